using System.IO.Compression;
using System.Xml.Linq;

namespace AopSqlTracing.PackageTests;

/// <summary>What each package carries, read from the .nupkg and .snupkg files `dotnet pack` made.</summary>
public sealed class PackageContentsFixture
{
    private static readonly string Packages = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../artifacts/packages"));

    // What each package may depend on: our own packages and what the library needs, never a test or benchmark tool.
    private static readonly Dictionary<string, string[]> AllowedDependencies = new()
    {
        ["AopSqlTracing"] = ["Autofac", "Castle.Core"],
        ["AopSqlTracing.OpenTelemetry"] = ["AopSqlTracing", "OpenTelemetry"],
        ["AopSqlTracing.AspNetCore"] = ["AopSqlTracing", "Autofac.Extensions.DependencyInjection"],
        ["AopSqlTracing.EntityFrameworkCore"] = ["AopSqlTracing", "Microsoft.EntityFrameworkCore.Relational"],
    };

    public static TheoryData<string> PackageIds => [.. AllowedDependencies.Keys];

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void Package_HasReadmeLicenceDocsAndOnlyTheIntendedDependencies(string id)
    {
        using var package = ZipFile.OpenRead(Single($"{id}.*.nupkg", exceptSymbols: true));
        var nuspec = Nuspec(package, id);
        var ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;

        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        Assert.NotNull(package.GetEntry("README.md"));
        Assert.Equal("Apache-2.0", metadata.Element(ns + "license")?.Value);
        Assert.Equal("expression", metadata.Element(ns + "license")?.Attribute("type")?.Value);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));
        Assert.Contains("CHANGELOG.md", metadata.Element(ns + "releaseNotes")?.Value, StringComparison.Ordinal);
        Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.dll"));
        Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.xml"));

        var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToList();
        Assert.NotEmpty(dependencies);
        Assert.Empty(dependencies.Except(AllowedDependencies[id]));
        Assert.All(
            metadata.Descendants(ns + "dependency").Where(d => d.Attribute("id")!.Value.StartsWith("AopSqlTracing", StringComparison.Ordinal)),
            d => Assert.Equal(metadata.Element(ns + "version")!.Value, d.Attribute("version")!.Value));
    }

    [Theory]
    [MemberData(nameof(PackageIds))]
    public void SymbolsPackage_HasThePdb(string id)
    {
        using var symbols = ZipFile.OpenRead(Single($"{id}.*.snupkg", exceptSymbols: false));

        Assert.NotNull(symbols.GetEntry($"lib/net10.0/{id}.pdb"));
    }

    private static string Single(string pattern, bool exceptSymbols)
    {
        var id = pattern[..pattern.IndexOf(".*", StringComparison.Ordinal)];
        var matches = Directory.GetFiles(Packages, pattern)
            .Where(path => !exceptSymbols || !path.EndsWith(".snupkg", StringComparison.Ordinal))

            // AopSqlTracing.* also matches AopSqlTracing.AspNetCore.*: keep the files whose id is exactly this one.
            .Where(path => char.IsAsciiDigit(Path.GetFileName(path)[(id.Length + 1)..][0]))
            .ToList();
        return Assert.Single(matches);
    }

    private static XDocument Nuspec(ZipArchive package, string id)
    {
        using var stream = package.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream);
    }
}
