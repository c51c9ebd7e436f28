namespace Aplo.Cli.Tests;

/// <summary>On a terminal, a running operation shows what it is doing and for how long; in a pipe, nothing.</summary>
public sealed class ProgressTests : IAsyncLifetime
{
    private CliHarness cli = null!;

    public async ValueTask InitializeAsync() => cli = await CliHarness.StartLoadedAsync();

    public async ValueTask DisposeAsync() => await cli.DisposeAsync();

    [Fact]
    public async Task Terminal_ShowsProgressWhileTheCreateRuns()
    {
        cli.Host.Executor.BeforeCommand = async (method, _) =>
        {
            if (method == "VolumeCreateAsync")
            {
                await Task.Delay(700, TestContext.Current.CancellationToken);
            }
        };
        cli.Terminal = true;
        var result = await cli.RunAsync("volume", "create", "--size=1");
        Assert.Equal(0, result.Code);
        Assert.Matches(@"^(\rCreating volume… \d+\.\d s)+\r\u001b\[K$", result.Err);
        Assert.EndsWith("\r\u001b[K", result.Err, StringComparison.Ordinal);
        Assert.StartsWith("Volume:", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pipe_ShowsNothing()
    {
        var result = await cli.RunAsync("volume", "create", "--size=1");
        Assert.Equal(0, result.Code);
        Assert.Equal(string.Empty, result.Err);
    }
}
