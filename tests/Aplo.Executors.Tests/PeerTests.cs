using Aplo.Core.Execution;
using Aplo.Executors.Gluster;
using Aplo.Executors.Transports;

namespace Aplo.Executors.Tests;

public sealed class PeerTests
{
    private const string Host = "10.0.0.1";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GlusterdCheck_Answers_RunsPoolListOnly()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.GlusterdCheckAsync(Host, Ct);

        Assert.Equal(["gluster --mode=script --timeout=10 pool list"], transport.Commands);
    }

    [Fact]
    public async Task GlusterdCheck_DaemonDown_SaysNotRunning()
    {
        var transport = new FakeTransport()
            .OnFail("pool list", "Connection failed. Please check if gluster daemon is operational.")
            .On("pidof", CommandResult.Failure(1, string.Empty));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.GlusterdCheckAsync(Host, Ct));

        Assert.Equal(Host, ex.Host);
        Assert.Contains("glusterd is not running", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Connection failed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GlusterdCheck_DaemonHung_SaysRunningButNotAnswering()
    {
        var transport = new FakeTransport()
            .OnFail("pool list", "Error : Request timed out", 110)
            .On("pidof", CommandResult.Success("412\n"));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.GlusterdCheckAsync(Host, Ct));

        Assert.Contains("running but does not answer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeerProbe_WithSnapshotLimit_ProbesThenSetsLimit()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.PeerProbeAsync(Host, "10.0.0.2", Ct);

        Assert.Equal(
            [
                "gluster --mode=script --timeout=600 peer probe '10.0.0.2'",
                "gluster --mode=script --timeout=600 snapshot config snap-max-hard-limit 14",
            ],
            transport.Commands);
    }

    [Fact]
    public async Task PeerProbe_NoSnapshotLimit_OnlyProbes()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default with { SnapshotLimit = 0, GlusterCliTimeoutSeconds = 120 });

        await executor.PeerProbeAsync(Host, "node2.example.com", Ct);

        Assert.Equal(["gluster --mode=script --timeout=120 peer probe 'node2.example.com'"], transport.Commands);
    }

    [Fact]
    public async Task PeerProbe_Unreachable_Throws()
    {
        var transport = new FakeTransport().OnFail("peer probe", "peer probe: failed: Probe returned with Transport endpoint is not connected");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.PeerProbeAsync(Host, "10.0.0.9", Ct));

        Assert.Contains("Transport endpoint is not connected", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeerDetach_NotAPeer_Succeeds()
    {
        var transport = new FakeTransport().OnFail("peer detach", "peer detach: failed: 10.0.0.2 is not part of cluster");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.PeerDetachAsync(Host, "10.0.0.2", Ct);

        Assert.Equal(["gluster --mode=script --timeout=600 peer detach '10.0.0.2'"], transport.Commands);
    }

    [Fact]
    public async Task PeerDetach_PeerHasBricks_Throws()
    {
        var transport = new FakeTransport().OnFail("peer detach", "peer detach: failed: Peer 10.0.0.2 hosts one or more bricks. If the peer is in not recoverable state then use either replace-brick or remove-brick command with force to remove all bricks from the peer and attempt the peer detach again.");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await Assert.ThrowsAsync<ExecutorException>(() => executor.PeerDetachAsync(Host, "10.0.0.2", Ct));
    }
}
