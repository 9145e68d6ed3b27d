using System.Xml.Linq;

namespace AopSqlTracing.PackageTests.Readmes;

/// <summary>Where the repository, its packed packages and its central package versions are.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Packages => Path.Combine(Root, "artifacts", "packages");

    /// <summary>Gets the version a package is used at: ours as packed, any other as the repository tests it.</summary>
    public static string VersionOf(string package)
    {
        if (package.StartsWith("AopSqlTracing", StringComparison.Ordinal))
        {
            // All our packages share one version: the core package's file name, AopSqlTracing.<version>.nupkg, tells it.
            return Directory.GetFiles(Packages, "AopSqlTracing.*.nupkg")
                .Select(file => System.Text.RegularExpressions.Regex.Match(Path.GetFileName(file), @"^AopSqlTracing\.(\d+\.\d+\.\d+(-[\w.]+)?)\.nupkg$"))
                .FirstOrDefault(match => match.Success)?.Groups[1].Value
                ?? throw new InvalidOperationException($"No AopSqlTracing package in {Packages}: run dotnet pack AopSqlTracing.sln first (bash .ci/run does).");
        }

        var props = XDocument.Load(Path.Combine(Root, "Directory.Packages.props"));
        return props.Descendants("PackageVersion").FirstOrDefault(entry => (string?)entry.Attribute("Include") == package)?.Attribute("Version")?.Value
            ?? throw new InvalidOperationException($"A README adds the package {package}, which Directory.Packages.props does not list: add it there, at the version the tests use.");
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AopSqlTracing.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside the repository: AopSqlTracing.sln not found above " + AppContext.BaseDirectory);
    }
}
