using System.Diagnostics;
using System.Text;

namespace AopSqlTracing.PackageTests.Readmes;

/// <summary>
/// A fresh app outside the repository made from a package page alone: the project <c>dotnet new</c> and
/// <c>dotnet add package</c> would make, the page's program, run with <c>dotnet run</c>.
/// </summary>
public sealed class QuickStartApp : IDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public QuickStartApp(PackagePage page)
    {
        Directory = Path.Combine(Path.GetTempPath(), $"aopsql-quickstart-{page.Package}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        var sdk = page.Template == "web" ? "Microsoft.NET.Sdk.Web" : "Microsoft.NET.Sdk";
        var references = string.Concat(page.Packages.Select(package => $"""
                <PackageReference Include="{package}" Version="{Repository.VersionOf(package)}" />

            """));
        File.WriteAllText(Path.Combine(Directory, "TracedShop.csproj"), $"""
            <Project Sdk="{sdk}">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
            {references}  </ItemGroup>
            </Project>
            """);

        // Our packages as `dotnet pack` just made them, everything else from the machine's usual sources.
        File.WriteAllText(Path.Combine(Directory, "nuget.config"), $"""
            <configuration>
              <packageSources>
                <add key="AopSqlTracing local build" value="{Repository.Packages}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(Directory, "Program.cs"), page.Program);
    }

    public string Directory { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Runs the app to its end; returns what it printed.</summary>
    public async Task<string> RunAsync(TimeSpan timeout)
    {
        Start();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process!.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"dotnet run did not end within {timeout}. It printed:\n{Output}");
        }

        Assert.True(_process.ExitCode == 0, $"dotnet run exited with {_process.ExitCode}. It printed:\n{Output}");
        return Output;
    }

    /// <summary>Starts the app; it runs until disposed.</summary>
    public void Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "run", "--" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild settings would steer the app's build: the app is built as on a fresh machine.
        foreach (var inherited in start.Environment.Keys.Where(key => key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, line) => Append(line.Data);
        _process.ErrorDataReceived += (_, line) => Append(line.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is harmless.
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
