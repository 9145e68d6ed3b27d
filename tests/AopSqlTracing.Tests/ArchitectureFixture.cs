using System.Reflection;
using System.Text.RegularExpressions;

namespace AopSqlTracing.Tests;

/// <summary>
/// The shape docs/architecture.md describes, held by the code: the folders of the core depend one way (registration →
/// callers → the door → marks, statements, engines), no folder is a grab bag, and the EF Core package reaches the
/// core through a seam of at most three internal types.
/// </summary>
public sealed partial class ArchitectureFixture
{
    // Each folder, and the folders it may use. A folder missing from a list may not be used by it.
    private static readonly Dictionary<string, string[]> MayUse = new()
    {
        ["Autofac"] = ["Proxies", "Repositories", "Execution", "Marks", "Engines", "Statements"],
        ["Repositories"] = ["Proxies", "Execution", "Marks"],
        ["Proxies"] = ["Execution", "Marks", "Engines", "Statements"],
        ["Execution"] = ["Marks", "Engines", "Statements"],
        ["Marks"] = [],
        ["Engines"] = ["Statements"],
        ["Statements"] = [],
    };

    [Fact]
    public void CoreFolders_DependOneWay()
    {
        var core = Path.Combine(SourceRoot(), "AopSqlTracing");
        var folders = Directory.GetDirectories(core).Select(Path.GetFileName).Where(name => name is not ("bin" or "obj")).ToList();

        Assert.Equal(MayUse.Keys.Order(), folders.Order()!);
        var violations = (
            from folder in MayUse.Keys
            from file in Directory.GetFiles(Path.Combine(core, folder), "*.cs", SearchOption.AllDirectories)
            from used in UsedFolders(File.ReadAllText(file))
            where used != folder && !MayUse[folder].Contains(used)
            select $"{folder}/{Path.GetFileName(file)} uses {used}").Distinct().ToList();

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void EntityFrameworkPackage_UsesAtMostThreeInternalTypesOfTheCore()
    {
        var internalTypes = typeof(SqlTracing).Assembly.GetTypes()
            .Where(type => !type.IsVisible && !type.IsNested && !type.Name.Contains('<', StringComparison.Ordinal) && type.Namespace?.StartsWith("AopSqlTracing", StringComparison.Ordinal) == true)
            .Select(type => type.Name.Split('`')[0])
            .ToHashSet();
        var package = Path.Combine(SourceRoot(), "AopSqlTracing.EntityFrameworkCore");
        var text = string.Join('\n', Directory.GetFiles(package, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        var ownTypes = TypeDeclaration().Matches(text).Select(match => match.Groups[1].Value).ToHashSet();

        var used = Identifier().Matches(text).Select(match => match.Value).Where(name => internalTypes.Contains(name) && !ownTypes.Contains(name)).ToHashSet();

        Assert.True(used.Count <= 3, $"The EF Core package uses {used.Count} internal types of the core: {string.Join(", ", used.Order())}");
    }

    private static IEnumerable<string> UsedFolders(string source)
        => FolderReference().Matches(source).Select(match => match.Groups[1].Value).Where(MayUse.ContainsKey).Distinct();

    private static string SourceRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AopSqlTracing.sln")))
            {
                return Path.Combine(directory.FullName, "src");
            }
        }

        throw new DirectoryNotFoundException("AopSqlTracing.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"AopSqlTracing\.(\w+)\b")]
    private static partial Regex FolderReference();

    [GeneratedRegex(@"\b(?:class|struct|record|interface|enum)\s+(\w+)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Identifier();
}
