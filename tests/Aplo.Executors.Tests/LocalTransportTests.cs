using System.Diagnostics;
using Aplo.Core.Execution;
using Aplo.Executors.Transports;

namespace Aplo.Executors.Tests;

public sealed class LocalTransportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_Command_ReturnsExitCodeAndBothStreams()
    {
        var result = await new LocalTransport().RunAsync("local", "echo out; echo err >&2; exit 3", TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(new CommandResult(3, "out\n", "err\n"), result);
        Assert.False(result.Ok);
    }

    [Fact]
    public async Task Run_CommandReadsInput_GetsEndOfFileInsteadOfHanging()
    {
        var result = await new LocalTransport().RunAsync("local", "cat; echo done", TimeSpan.FromSeconds(10), Ct);

        Assert.Equal("done\n", result.StdOut);
    }

    [Fact]
    public async Task Run_PastTimeout_KillsTheProcessTreeAndThrows()
    {
        var marker = "aplo-timeout-" + Guid.NewGuid().ToString("N");
        var started = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<ExecutorException>(
            () => new LocalTransport().RunAsync("node1", $"sleep 30 & wait; echo {marker}", TimeSpan.FromMilliseconds(300), Ct));

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20));
        Assert.Equal("node1", ex.Host);
        Assert.Contains("timed out", ex.Message, StringComparison.Ordinal);
        var left = await new LocalTransport().RunAsync("local", $"pgrep -f {marker}", TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(1, left.ExitCode);
    }

    [Fact]
    public async Task Run_Cancelled_ThrowsOperationCanceled()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new LocalTransport().RunAsync("local", "sleep 30", TimeSpan.FromSeconds(60), cancel.Token));
    }
}
