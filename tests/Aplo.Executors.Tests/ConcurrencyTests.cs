using Aplo.Executors.Gluster;

namespace Aplo.Executors.Tests;

public sealed class ConcurrencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commands_SameHostNeverOverlap_DifferentHostsDo()
    {
        var gate = new Lock();
        var active = new Dictionary<string, int>();
        var maxPerHost = new Dictionary<string, int>();
        var maxTotal = 0;
        var entered = new SemaphoreSlim(0);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = new FakeTransport
        {
            Before = async (host, _, ct) =>
            {
                lock (gate)
                {
                    active[host] = active.GetValueOrDefault(host) + 1;
                    maxPerHost[host] = Math.Max(maxPerHost.GetValueOrDefault(host), active[host]);
                    maxTotal = Math.Max(maxTotal, active.Values.Sum());
                }

                entered.Release();
                await release.Task.WaitAsync(ct);
                lock (gate)
                {
                    active[host]--;
                }
            },
        };
        transport.On("thin_count", Transports.CommandResult.Success("0\n"));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var first = executor.GlusterdCheckAsync("node1", Ct);
        var second = executor.BrickDestroyAsync("node1", Requests.Brick(), Ct);
        var other = executor.GlusterdCheckAsync("node2", Ct);
        Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(10), Ct));

        // node1's second batch waits for the first; node2 runs alongside.
        Assert.Equal(["node1", "node2"], transport.Calls.Select(c => c.Host).Order());
        Assert.False(await entered.WaitAsync(TimeSpan.FromMilliseconds(100), Ct));
        release.SetResult();
        await Task.WhenAll(first, second, other).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(1, maxPerHost["node1"]);
        Assert.Equal(2, maxTotal);
        Assert.True(transport.Calls.Count(c => c.Host == "node1") > 1);
    }

    [Fact]
    public async Task Commands_CancelledWhileWaitingForHost_DoNotRun()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = new FakeTransport { Before = (_, _, ct) => release.Task.WaitAsync(ct) };
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var first = executor.GlusterdCheckAsync("node1", Ct);
        var waiting = executor.VolumeDestroyAsync("node1", "vol1", cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        release.SetResult();
        await first.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.DoesNotContain(transport.Commands, c => c.Contains("vol1", StringComparison.Ordinal));
    }
}
