using System.Text.RegularExpressions;

namespace AopSqlTracing.PackageTests.Readmes;

/// <summary>
/// A package's README read as a new user reads its quick start: the <c>dotnet new</c> template and the
/// <c>dotnet add package</c> lines of its first bash block, the program of its first C# block, and the output its
/// first text block says <c>dotnet run</c> prints.
/// </summary>
public sealed partial class PackagePage
{
    private PackagePage(string package, string template, IReadOnlyList<string> packages, string program, IReadOnlyList<string> shownOutput)
    {
        Package = package;
        Template = template;
        Packages = packages;
        Program = program;
        ShownOutput = shownOutput;
    }

    public string Package { get; }

    /// <summary>Gets the <c>dotnet new</c> template the page starts from: <c>console</c> or <c>web</c>.</summary>
    public string Template { get; }

    public IReadOnlyList<string> Packages { get; }

    public string Program { get; }

    public IReadOnlyList<string> ShownOutput { get; }

    public static PackagePage Of(string package)
    {
        var path = Path.Combine(Repository.Root, "src", package, "README.md");
        var text = File.ReadAllText(path);
        var setup = Block(text, "bash", path);
        var template = NewProject().Match(setup) is { Success: true } created
            ? created.Groups[1].Value
            : throw new InvalidOperationException($"{path}: the quick start's bash block has no 'dotnet new <template>' line.");
        var packages = AddPackage().Matches(setup).Select(match => match.Groups[1].Value).ToList();
        var shown = Block(text, "text", path).Split('\n').Select(line => line.TrimEnd()).Where(line => line.Length > 0).ToList();
        return new PackagePage(package, template, packages, Block(text, "csharp", path), shown);
    }

    /// <summary>Gets the shown lines missing from <paramref name="output"/> (in order, spacing aside); empty when it shows them all.</summary>
    public IReadOnlyList<string> MissingFrom(string output)
    {
        var lines = output.Split('\n').Select(Spacing).ToList();
        var missing = new List<string>();
        var at = 0;
        foreach (var expected in ShownOutput)
        {
            var found = lines.FindIndex(at, line => line == Spacing(expected));
            if (found < 0)
            {
                missing.Add(expected);
            }
            else
            {
                at = found + 1;
            }
        }

        return missing;
    }

    private static string Spacing(string line) => Spaces().Replace(line.Trim(), " ");

    private static string Block(string text, string language, string path)
    {
        var start = text.IndexOf($"```{language}\n", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException($"{path} has no ```{language} block: a quick start shows its setup (bash), its program (csharp) and its output (text).");
        }

        start += language.Length + 4;
        return text[start..text.IndexOf("```", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex(@"^dotnet new (\w+)", RegexOptions.Multiline)]
    private static partial Regex NewProject();

    [GeneratedRegex(@"^dotnet add package ([\w.]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AddPackage();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
