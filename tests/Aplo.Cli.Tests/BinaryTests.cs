using System.Diagnostics;

namespace Aplo.Cli.Tests;

/// <summary>The built aplo binary: exit codes as a shell sees them.</summary>
public sealed class BinaryTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(AploBinary.Path, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("HEKETI_CLI_SERVER");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task ExitCodes_ReachTheShell()
    {
        Assert.Equal(ExitCodes.Ok, (await RunAsync("--help")).Code);
        var usage = await RunAsync("volume", "create", "--sise=1");
        Assert.Equal(ExitCodes.Usage, usage.Code);
        Assert.StartsWith("Error: unknown flag --sise", usage.Err, StringComparison.Ordinal);
        var unreachable = await RunAsync("--server", "http://127.0.0.1:1", "volume", "list");
        Assert.Equal(ExitCodes.Unreachable, unreachable.Code);
        Assert.Empty(unreachable.Out);
    }
}
