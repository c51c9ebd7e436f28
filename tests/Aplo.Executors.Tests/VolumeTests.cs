using Aplo.Core.Execution;
using Aplo.Core.Topology;
using Aplo.Executors.Gluster;
using Aplo.Executors.Transports;

namespace Aplo.Executors.Tests;

public sealed class VolumeTests
{
    private const string Host = "10.0.0.1";
    private const string Cli = "gluster --mode=script --timeout=600";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string B(int i) => $"'10.0.0.{i}:/var/lib/heketi/mounts/vg_d{i}/brick_b{i}/brick'";

    private static string Bricks(int from, int to) => string.Join(' ', Enumerable.Range(from, to - from + 1).Select(B));

    [Fact]
    public async Task VolumeCreate_Replica3_CreatesSetsOptionsAndStarts()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);
        var volume = Requests.Volume(Requests.Replica3, 6, "vol_2f9a", ("performance.rda-cache-limit", "10MB"), ("user.heketi.id", "2f9a"));

        await executor.VolumeCreateAsync(Host, volume, Ct);

        Assert.Equal(
            [
                $"{Cli} volume create 'vol_2f9a' replica 3 {Bricks(1, 3)}",
                $"{Cli} volume add-brick 'vol_2f9a' {Bricks(4, 6)}",
                $"{Cli} volume set 'vol_2f9a' 'performance.rda-cache-limit' '10MB'",
                $"{Cli} volume set 'vol_2f9a' 'user.heketi.id' '2f9a'",
                $"{Cli} volume start 'vol_2f9a'",
            ],
            transport.Commands);
        Assert.All(transport.Calls, c => Assert.Equal(TimeSpan.FromSeconds(660), c.Timeout));
    }

    [Fact]
    public async Task VolumeCreate_Arbiter_SaysReplica3Arbiter1()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.VolumeCreateAsync(Host, Requests.Volume(Requests.Arbiter, 3), Ct);

        Assert.Equal([$"{Cli} volume create 'vol1' replica 3 arbiter 1 {Bricks(1, 3)}", $"{Cli} volume start 'vol1'"], transport.Commands);
    }

    [Fact]
    public async Task VolumeCreate_Disperse4Plus2_AddsOneSetPerCommand()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.VolumeCreateAsync(Host, Requests.Volume(Requests.Disperse4Plus2, 18), Ct);

        Assert.Equal(
            [
                $"{Cli} volume create 'vol1' disperse-data 4 redundancy 2 {Bricks(1, 6)}",
                $"{Cli} volume add-brick 'vol1' {Bricks(7, 12)}",
                $"{Cli} volume add-brick 'vol1' {Bricks(13, 18)}",
                $"{Cli} volume start 'vol1'",
            ],
            transport.Commands);
    }

    [Fact]
    public async Task VolumeCreate_Replica3With8Sets_AddsFiveSetsPerCommand()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.VolumeCreateAsync(Host, Requests.Volume(Requests.Replica3, 24), Ct);

        Assert.Equal(
            [
                $"{Cli} volume create 'vol1' replica 3 {Bricks(1, 3)}",
                $"{Cli} volume add-brick 'vol1' {Bricks(4, 18)}",
                $"{Cli} volume add-brick 'vol1' {Bricks(19, 24)}",
                $"{Cli} volume start 'vol1'",
            ],
            transport.Commands);
    }

    [Fact]
    public async Task VolumeCreate_NoRedundancyWith32Bricks_AddsFifteenBricksPerCommand()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.VolumeCreateAsync(Host, Requests.Volume(Durability.Distribute, 32), Ct);

        Assert.Equal(
            [
                $"{Cli} volume create 'vol1' {B(1)}",
                $"{Cli} volume add-brick 'vol1' {Bricks(2, 16)}",
                $"{Cli} volume add-brick 'vol1' {Bricks(17, 31)}",
                $"{Cli} volume add-brick 'vol1' {B(32)}",
                $"{Cli} volume start 'vol1'",
            ],
            transport.Commands);
    }

    [Fact]
    public async Task VolumeCreate_StepFails_ThrowsWithGlusterMessageAndStops()
    {
        var transport = new FakeTransport()
            .OnFail("volume create", "volume create: vol1: failed: Host 10.0.0.3 is not in 'Peer in Cluster' state");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.VolumeCreateAsync(Host, Requests.Volume(Requests.Replica3, 3), Ct));

        Assert.Equal(Host, ex.Host);
        Assert.Contains("is not in 'Peer in Cluster' state", ex.Message, StringComparison.Ordinal);
        Assert.Single(transport.Commands);
    }

    [Fact]
    public async Task VolumeCreate_BricksNotWholeSets_ThrowsBeforeRunningAnything()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await Assert.ThrowsAsync<ExecutorException>(() => executor.VolumeCreateAsync(Host, Requests.Volume(Requests.Replica3, 4), Ct));

        Assert.Empty(transport.Commands);
    }

    [Fact]
    public async Task VolumeExpand_Replica3_AddsNewBricksThenRebalances()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.VolumeExpandAsync(Host, Requests.Volume(Requests.Replica3, 3), Ct);

        Assert.Equal([$"{Cli} volume add-brick 'vol1' {Bricks(1, 3)}", $"{Cli} volume rebalance 'vol1' start"], transport.Commands);
    }

    [Fact]
    public async Task VolumeExpand_RebalanceFails_StillSucceeds()
    {
        var transport = new FakeTransport().OnFail("rebalance", "volume rebalance: vol1: failed: Volume vol1 is not a distribute volume or contains only 1 brick.");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.VolumeExpandAsync(Host, Requests.Volume(Requests.Replica3, 3), Ct);

        Assert.Equal(2, transport.Commands.Count);
    }

    [Fact]
    public async Task VolumeExpand_RebalanceOff_OnlyAddsBricks()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default with { RebalanceOnExpansion = false });

        await executor.VolumeExpandAsync(Host, Requests.Volume(Requests.Disperse4Plus2, 12), Ct);

        Assert.Equal([$"{Cli} volume add-brick 'vol1' {Bricks(1, 6)}", $"{Cli} volume add-brick 'vol1' {Bricks(7, 12)}"], transport.Commands);
    }

    [Fact]
    public async Task VolumeDestroy_Started_StopsForceThenDeletes()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.VolumeDestroyAsync(Host, "vol1", Ct);

        Assert.Equal([$"{Cli} volume stop 'vol1' force", $"{Cli} volume delete 'vol1'"], transport.Commands);
    }

    [Fact]
    public async Task VolumeDestroy_DoesNotExist_Succeeds()
    {
        var transport = new FakeTransport()
            .OnFail("volume stop", "volume stop: vol1: failed: Volume vol1 does not exist")
            .OnFail("volume delete", "volume delete: vol1: failed: Volume vol1 does not exist");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.VolumeDestroyAsync(Host, "vol1", Ct);

        Assert.Equal(2, transport.Commands.Count);
    }

    [Fact]
    public async Task VolumeDestroy_DeleteRefused_Throws()
    {
        var transport = new FakeTransport()
            .OnFail("volume delete", "volume delete: vol1: failed: Staging failed on 10.0.0.2. Error: Volume vol1 has been started.Volume needs to be stopped before deletion.");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.VolumeDestroyAsync(Host, "vol1", Ct));

        Assert.Contains("Staging failed on 10.0.0.2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VolumeInfo_ExitZeroWithErrorString_Throws()
    {
        var transport = new FakeTransport().On("volume info", CommandResult.Success(GlusterSamples.VolumeInfoError));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.VolumeInfoAsync(Host, "nope", Ct));

        Assert.Contains("Volume nope does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Equal($"{Cli} volume info 'nope' --xml", transport.Commands[0]);
    }

    [Fact]
    public async Task VolumeInfo_Sample_ParsesThroughTheExecutor()
    {
        var transport = new FakeTransport().On("volume info", CommandResult.Success(GlusterSamples.VolumeInfo));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var volumes = await executor.VolumeInfoAsync(Host, null, Ct);

        Assert.Equal(["vol_arb", "vol_ec"], volumes.Select(v => v.Name));
        Assert.Equal($"{Cli} volume info --xml", transport.Commands[0]);
    }

    [Fact]
    public async Task HealInfo_Sample_RunsHealInfoXml()
    {
        var transport = new FakeTransport().On("heal", CommandResult.Success(GlusterSamples.HealInfo));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var bricks = await executor.HealInfoAsync(Host, "vol_arb", Ct);

        Assert.Equal(2, bricks.Count);
        Assert.Equal($"{Cli} volume heal 'vol_arb' info --xml", transport.Commands[0]);
    }

    [Fact]
    public async Task ReplaceBrick_QuotesBothBricks_AndCommitsForce()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);
        var old = new BrickAddress("10.0.0.1", "/var/lib/heketi/mounts/vg_d1/brick_b1/brick");
        var replacement = new BrickAddress("10.0.0.1", "/var/lib/heketi/mounts/vg_d9/brick_b9/brick");

        await executor.VolumeReplaceBrickAsync(Host, "vol_2f9a", old, replacement, Ct);

        Assert.Equal(
            [$"{Cli} volume replace-brick 'vol_2f9a' {B(1)} '10.0.0.1:/var/lib/heketi/mounts/vg_d9/brick_b9/brick' commit force"],
            transport.Commands);
    }

    [Fact]
    public async Task ReplaceBrick_GlusterRefuses_ThrowsWithItsWords()
    {
        var transport = new FakeTransport().OnFail("replace-brick", "volume replace-brick: failed: brick: 10.0.0.1:/x does not exist in volume: vol1");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var error = await Assert.ThrowsAsync<ExecutorException>(() =>
            executor.VolumeReplaceBrickAsync(Host, "vol1", new BrickAddress("10.0.0.1", "/x"), new BrickAddress("10.0.0.2", "/y"), Ct));

        Assert.Contains("does not exist in volume: vol1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vol1; reboot", "/var/lib/heketi/mounts/vg_d1/brick_b1/brick")]
    [InlineData("vol1", "/var/lib/heketi/mounts/vg_d1/brick_b1/brick'$(reboot)'")]
    public async Task ReplaceBrick_ValuesThatCannotGoInACommand_AreRefusedBeforeAnythingRuns(string volume, string path)
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await Assert.ThrowsAsync<ExecutorException>(() =>
            executor.VolumeReplaceBrickAsync(Host, volume, new BrickAddress("10.0.0.1", path), new BrickAddress("10.0.0.2", "/y/brick"), Ct));

        Assert.Empty(transport.Commands);
    }
}
