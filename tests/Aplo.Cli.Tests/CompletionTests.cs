using System.Diagnostics;

namespace Aplo.Cli.Tests;

/// <summary>The bash completion script is valid bash and completes along the command tree.</summary>
public sealed class CompletionTests
{
    private static async Task<string> ScriptAsync(string shell)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["completion", shell], stdout, stderr, new CliEnvironment(), TestContext.Current.CancellationToken));
        return stdout.ToString();
    }

    private static async Task<(int Code, string Out)> BashAsync(string script)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["--norc", "--noprofile", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, output + error);
    }

    private static async Task<string[]> CompleteAsync(string script, params string[] words)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, script, TestContext.Current.CancellationToken);
            var array = string.Join(' ', words.Select(w => "'" + w + "'"));
            var (code, output) = await BashAsync($"source '{file}'; COMP_WORDS=(aplo {array}); COMP_CWORD={words.Length}; _aplo; printf '%s\\n' \"${{COMPREPLY[@]}}\"");
            Assert.True(code == 0, output);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Bash_IsValidSyntax()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, await ScriptAsync("bash"), TestContext.Current.CancellationToken);
            var (code, output) = await BashAsync($"bash -n '{file}'");
            Assert.True(code == 0, output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Bash_CompletesCommandsSubcommandsAndFlags()
    {
        var script = await ScriptAsync("bash");
        Assert.Equal(["cluster", "node", "device", "volume", "brick", "topology", "db", "loglevel", "server", "completion"], await CompleteAsync(script, string.Empty));
        Assert.Equal(["create"], await CompleteAsync(script, "volume", "cr"));
        Assert.Contains("--persistent-volume-file", await CompleteAsync(script, "volume", "create", "--size=1", "--pers"));
        Assert.Equal(["info", "list", "cleanup"], await CompleteAsync(script, "--json", "server", "operations", string.Empty));
        Assert.Contains("--server", await CompleteAsync(script, "volume", "list", "--"));
    }

    [Fact]
    public async Task Zsh_LoadsBashCompletion()
    {
        var script = await ScriptAsync("zsh");
        Assert.StartsWith("autoload -U +X bashcompinit && bashcompinit\n", script, StringComparison.Ordinal);
        Assert.EndsWith(await ScriptAsync("bash"), script, StringComparison.Ordinal);
    }
}
