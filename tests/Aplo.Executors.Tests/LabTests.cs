using System.Diagnostics;
using Aplo.Core.Execution;
using Aplo.Core.Topology;
using Aplo.Executors.Gluster;
using Aplo.Executors.Transports;
using Aplo.Executors.Transports.Ssh;

namespace Aplo.Executors.Tests;

/// <summary>
/// The executor against real nodes: UML guests with LVM, XFS and glusterd, reached over SSH. Skipped unless
/// APLO_LAB=1; run as <c>APLO_LAB=1 deploy/lab/lab-ns dotnet test --project tests/Aplo.Executors.Tests --no-build</c>.
/// Step timings and the real XML replies go to <c>$TMPDIR/aplo-executor-lab/</c>.
/// </summary>
public sealed class LabTests
{
    private static readonly string ReportDirectory = Path.Combine(Path.GetTempPath(), "aplo-executor-lab");
    private readonly List<string> report = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReplicaThree_FullLifecycle_LeavesNothingBehind()
    {
        var lab = await Lab.RequireAsync(Ct);
        var logger = new ListLogger<GlusterExecutor>();
        using var ssh = new SshTransport(lab.Ssh);
        var executor = new GlusterExecutor(ssh, ExecutorSettings.Default, logger);
        var (n1, n2, n3) = (lab.Nodes[0], lab.Nodes[1], lab.Nodes[2]);
        LabNode[] nodes = [n1, n2, n3];
        var devices = nodes.Select(n => new DeviceRequest(NewId(), n.Devices[0], false)).ToArray();
        var bricks = nodes.Select((n, i) => NewBrick(devices[i], 1048576, gid: i == 2 ? 2001 : 0, BrickRole.Data)).ToArray();
        var volume = new VolumeRequest(
            "lab_" + NewId()[..8],
            new Durability(DurabilityType.Replicate, 3, 0, 0, false),
            [.. nodes.Select((n, i) => new BrickAddress(n.Ip, bricks[i].Path))],
            [new("user.heketi.id", NewId()), new("performance.client-io-threads", "off")]);
        try
        {
            await Step("glusterd check x3 (first ssh connect)", () => Task.WhenAll(nodes.Select(n => executor.GlusterdCheckAsync(n.Ip, Ct))));
            await Step("glusterd check x3 (kept connections)", () => Task.WhenAll(nodes.Select(n => executor.GlusterdCheckAsync(n.Ip, Ct))));
            await Step("peer probe n2", () => executor.PeerProbeAsync(n1.Ip, n2.Ip, Ct));
            await Step("peer probe n3", () => executor.PeerProbeAsync(n1.Ip, n3.Ip, Ct));
            await Step("peer probe n3 again", () => executor.PeerProbeAsync(n1.Ip, n3.Ip, Ct));

            var spaces = await Step("device setup x3", () => Task.WhenAll(nodes.Select((n, i) => executor.DeviceSetupAsync(n.Ip, devices[i], Ct))));
            foreach (var space in spaces)
            {
                Assert.Equal(4096, space.ExtentKiB);
                Assert.InRange(space.TotalKiB, 10L * 1024 * 1024 - 200 * 1024, 10L * 1024 * 1024);
                Assert.Equal(space.TotalKiB, space.FreeKiB);
                Assert.NotNull(space.PvUuid);
                report.Add($"  space: total {space.TotalKiB} KiB, free {space.FreeKiB}, pv {space.PvUuid}, paths {string.Join(' ', space.Paths)}");
            }

            await Step("brick create x3 (1 GiB thin LV, mkfs, mount)", () => Task.WhenAll(nodes.Select((n, i) => executor.BrickCreateAsync(n.Ip, bricks[i], Ct))));
            var after = await Step("device info", () => executor.DeviceInfoAsync(n1.Ip, devices[0], Ct));
            report.Add($"  after one brick: used {after.UsedKiB} KiB (brick charges {bricks[0].ThinPoolKiB + bricks[0].PoolMetadataKiB})");
            Assert.True(after.UsedKiB >= bricks[0].ThinPoolKiB + bricks[0].PoolMetadataKiB);
            var owner = await RawAsync(ssh, n3.Ip, $"stat -c '%g %a' {bricks[2].Path}");
            Assert.Equal("2001 2775", owner.StdOut.Trim());
            var fstab = await RawAsync(ssh, n1.Ip, $"grep -F {bricks[0].MountPoint} /etc/fstab");
            report.Add("  fstab: " + fstab.StdOut.Trim());

            await Step("volume create replica 3 + 2 options + start", () => executor.VolumeCreateAsync(n1.Ip, volume, Ct));
            var info = await Step("volume info --xml", () => executor.VolumeInfoAsync(n1.Ip, volume.Name, Ct));
            var v = Assert.Single(info);
            Assert.Equal((volume.Name, 3, 3, true), (v.Name, v.BrickCount, v.ReplicaCount, v.Started));
            Assert.Equal(volume.Bricks.Select(b => b.ToString()), v.Bricks.Select(b => b.Name));
            Assert.Contains(v.Options, o => o.Key == "user.heketi.id");
            var heal = await Step("heal info --xml", () => executor.HealInfoAsync(n1.Ip, volume.Name, Ct));
            Assert.Equal(3, heal.Count);
            Assert.All(heal, b => Assert.Equal(0, b.NumberOfEntries));
            await SaveAsync("volume-info.xml", (await RawAsync(ssh, n1.Ip, $"gluster --mode=script volume info {volume.Name} --xml")).StdOut);
            await SaveAsync("heal-info.xml", (await RawAsync(ssh, n1.Ip, $"gluster --mode=script volume heal {volume.Name} info --xml")).StdOut);
            await SaveAsync("volume-info-missing.xml", Describe(await RawAsync(ssh, n1.Ip, "gluster --mode=script volume info no_such_volume --xml")));

            await Step("volume destroy (stop force + delete)", () => executor.VolumeDestroyAsync(n1.Ip, volume.Name, Ct));
            await Step("volume destroy again", () => executor.VolumeDestroyAsync(n1.Ip, volume.Name, Ct));
            var reclaimed = await Step("brick destroy x3", () => Task.WhenAll(nodes.Select((n, i) => executor.BrickDestroyAsync(n.Ip, bricks[i], Ct))));
            Assert.All(reclaimed, Assert.True);
            var again = await Step("brick destroy x3 again", () => Task.WhenAll(nodes.Select((n, i) => executor.BrickDestroyAsync(n.Ip, bricks[i], Ct))));
            Assert.All(again, Assert.True);
            await Step("device teardown x3", () => Task.WhenAll(nodes.Select((n, i) => executor.DeviceTeardownAsync(n.Ip, devices[i], Ct))));
            await Step("device teardown x3 again", () => Task.WhenAll(nodes.Select((n, i) => executor.DeviceTeardownAsync(n.Ip, devices[i], Ct))));
            await Step("peer detach n2, n3", async () =>
            {
                await executor.PeerDetachAsync(n1.Ip, n2.Ip, Ct);
                await executor.PeerDetachAsync(n1.Ip, n3.Ip, Ct);
            });
            await Step("peer detach n3 again", () => executor.PeerDetachAsync(n1.Ip, n3.Ip, Ct));

            for (var i = 0; i < nodes.Length; i++)
            {
                await AssertGoneAsync(ssh, nodes[i], devices[i], [bricks[i]]);
            }

            Assert.DoesNotContain(volume.Name, (await RawAsync(ssh, n1.Ip, "gluster --mode=script volume list")).StdOut, StringComparison.Ordinal);
            var pool = (await RawAsync(ssh, n1.Ip, "gluster --mode=script pool list")).StdOut;
            Assert.DoesNotContain(n2.Ip, pool, StringComparison.Ordinal);
            Assert.DoesNotContain(n3.Ip, pool, StringComparison.Ordinal);
        }
        finally
        {
            report.AddRange(logger.Lines.Where(l => !l.StartsWith("Debug", StringComparison.Ordinal)));
            await WriteReportAsync(nameof(ReplicaThree_FullLifecycle_LeavesNothingBehind));
        }
    }

    [Fact]
    public async Task ArbiterVolume_ExpandWithSecondSet_CreatesAddsRebalancesAndCleansUp()
    {
        var lab = await Lab.RequireAsync(Ct);
        var logger = new ListLogger<GlusterExecutor>();
        using var ssh = new SshTransport(lab.Ssh);
        var executor = new GlusterExecutor(ssh, ExecutorSettings.Default, logger);
        var nodes = lab.Nodes.Take(3).ToArray();
        var devices = nodes.Select(n => new DeviceRequest(NewId(), n.Devices[^1], false)).ToArray();
        BrickRequest[] NewSet() => [.. nodes.Select((n, i) => NewBrick(devices[i], 524288, 0, i == 2 ? BrickRole.Arbiter : BrickRole.Data))];
        var set1 = NewSet();
        var set2 = NewSet();
        var name = "arb_" + NewId()[..8];
        var durability = new Durability(DurabilityType.Replicate, 3, 0, 0, true);
        VolumeRequest Request(BrickRequest[] set) => new(name, durability, [.. nodes.Select((n, i) => new BrickAddress(n.Ip, set[i].Path))], []);
        try
        {
            await Step("peer probe n2, n3", async () =>
            {
                await executor.PeerProbeAsync(nodes[0].Ip, nodes[1].Ip, Ct);
                await executor.PeerProbeAsync(nodes[0].Ip, nodes[2].Ip, Ct);
            });
            await Step("device setup x3", () => Task.WhenAll(nodes.Select((n, i) => executor.DeviceSetupAsync(n.Ip, devices[i], Ct))));
            await Step("brick create 2 sets x3 (arbiter on n3)", () => Task.WhenAll(nodes.SelectMany((n, i) => new[]
            {
                executor.BrickCreateAsync(n.Ip, set1[i], Ct),
                executor.BrickCreateAsync(n.Ip, set2[i], Ct),
            })));
            await Step("volume create replica 3 arbiter 1", () => executor.VolumeCreateAsync(nodes[0].Ip, Request(set1), Ct));
            await Step("volume expand (add-brick + rebalance start)", () => executor.VolumeExpandAsync(nodes[0].Ip, Request(set2), Ct));
            var v = Assert.Single(await executor.VolumeInfoAsync(nodes[0].Ip, name, Ct));
            Assert.Equal((6, 3, 1), (v.BrickCount, v.ReplicaCount, v.ArbiterCount));
            Assert.Equal([false, false, true, false, false, true], v.Bricks.Select(b => b.IsArbiter));
            await SaveAsync("arbiter-volume-info.xml", (await RawAsync(ssh, nodes[0].Ip, $"gluster --mode=script volume info {name} --xml")).StdOut);
            await Step("volume destroy", () => executor.VolumeDestroyAsync(nodes[0].Ip, name, Ct));
            await Step("brick destroy 6", () => Task.WhenAll(nodes.SelectMany((n, i) => new[]
            {
                executor.BrickDestroyAsync(n.Ip, set1[i], Ct),
                executor.BrickDestroyAsync(n.Ip, set2[i], Ct),
            })));
            await Step("device teardown x3", () => Task.WhenAll(nodes.Select((n, i) => executor.DeviceTeardownAsync(n.Ip, devices[i], Ct))));
            await Step("peer detach n2, n3", async () =>
            {
                await executor.PeerDetachAsync(nodes[0].Ip, nodes[1].Ip, Ct);
                await executor.PeerDetachAsync(nodes[0].Ip, nodes[2].Ip, Ct);
            });
            for (var i = 0; i < nodes.Length; i++)
            {
                await AssertGoneAsync(ssh, nodes[i], devices[i], [set1[i], set2[i]]);
            }
        }
        finally
        {
            report.AddRange(logger.Lines.Where(l => !l.StartsWith("Debug", StringComparison.Ordinal)));
            await WriteReportAsync(nameof(ArbiterVolume_ExpandWithSecondSet_CreatesAddsRebalancesAndCleansUp));
        }
    }

    [Fact]
    public async Task Ssh_CommandPastTimeout_IsKilledOnTheNode()
    {
        var lab = await Lab.RequireAsync(Ct);
        using var ssh = new SshTransport(lab.Ssh);
        var ip = lab.Nodes[0].Ip;
        var marker = 4000 + Random.Shared.Next(1000);

        var started = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<ExecutorException>(() => ssh.RunAsync(ip, $"sleep {marker}", TimeSpan.FromSeconds(2), Ct));
        report.Add($"timeout after {started.ElapsedMilliseconds} ms: {ex.Message}");

        Assert.Contains("timed out", ex.Message, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(1), Ct);
        var left = await ssh.RunAsync(ip, $"pgrep -f '^sleep {marker}$'", TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(1, left.ExitCode);
        await WriteReportAsync(nameof(Ssh_CommandPastTimeout_IsKilledOnTheNode));
    }

    [Fact]
    public async Task Ssh_ConnectionDropped_NextCommandReconnects()
    {
        var lab = await Lab.RequireAsync(Ct);
        using var ssh = new SshTransport(lab.Ssh);
        var ip = lab.Nodes[0].Ip;
        Assert.True((await ssh.RunAsync(ip, "true", TimeSpan.FromSeconds(30), Ct)).Ok);

        // Kill the sshd process serving this connection (the nearest sshd ancestor, never the listener):
        // the kept connection dies under the transport.
        const string KillOwnSession =
            "p=$$; while [ \"$p\" -gt 1 ]; do case $(ps -o comm= -p \"$p\") in sshd*) kill -9 \"$p\"; exit 0;; esac; p=$(ps -o ppid= -p \"$p\" | tr -d ' '); done; exit 1";
        var killed = await Record(() => ssh.RunAsync(ip, KillOwnSession, TimeSpan.FromSeconds(30), Ct));
        report.Add($"killing own connection: {killed}");
        var started = Stopwatch.StartNew();
        var next = await ssh.RunAsync(ip, "echo back", TimeSpan.FromSeconds(30), Ct);
        report.Add($"next command after {started.ElapsedMilliseconds} ms: exit {next.ExitCode} {next.StdOut.Trim()}");

        Assert.Equal("back", next.StdOut.Trim());
        await WriteReportAsync(nameof(Ssh_ConnectionDropped_NextCommandReconnects));
    }

    [Fact]
    public async Task Ssh_HostKeyNotInKnownHosts_IsRefused()
    {
        var lab = await Lab.RequireAsync(Ct);
        var wrong = Path.GetTempFileName();
        try
        {
            var otherKey = Convert.ToBase64String([0, 0, 0, 11, .. "ssh-ed25519"u8, 0, 0, 0, 32, .. new byte[32]]);
            await File.WriteAllTextAsync(wrong, $"{lab.Nodes[0].Ip} ssh-ed25519 {otherKey}\n", Ct);
            using var ssh = new SshTransport(lab.Ssh with { KnownHostsFile = wrong });

            var ex = await Assert.ThrowsAsync<ExecutorException>(() => ssh.RunAsync(lab.Nodes[0].Ip, "true", TimeSpan.FromSeconds(30), Ct));

            Assert.Contains("does not match", ex.Message, StringComparison.Ordinal);
            report.Add(ex.Message);

            var unknown = await Assert.ThrowsAsync<ExecutorException>(() => ssh.RunAsync(lab.Nodes[1].Ip, "true", TimeSpan.FromSeconds(30), Ct));
            Assert.Contains("is not in", unknown.Message, StringComparison.Ordinal);
            report.Add(unknown.Message);
        }
        finally
        {
            File.Delete(wrong);
        }

        var accepting = new ListLogger<SshTransport>();
        using (var ssh = new SshTransport(lab.Ssh with { KnownHostsFile = null }, accepting))
        {
            Assert.True((await ssh.RunAsync(lab.Nodes[0].Ip, "true", TimeSpan.FromSeconds(30), Ct)).Ok);
        }

        Assert.Contains(accepting.Lines, l => l.Contains("accepted without verification", StringComparison.Ordinal));
        report.AddRange(accepting.Lines);
        await WriteReportAsync(nameof(Ssh_HostKeyNotInKnownHosts_IsRefused));
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>Nothing this test made is left on the node: no PV, VG, LV, fstab line, mount or directory.</summary>
    private static async Task AssertGoneAsync(ICommandTransport ssh, LabNode node, DeviceRequest device, BrickRequest[] bricks)
    {
        Assert.False((await RawAsync(ssh, node.Ip, $"lvm pvs {device.Name}")).Ok, $"{node.Name}: {device.Name} is still a PV");
        Assert.False((await RawAsync(ssh, node.Ip, $"lvm vgs {device.VolumeGroup}")).Ok, $"{node.Name}: {device.VolumeGroup} still exists");
        Assert.False((await RawAsync(ssh, node.Ip, $"test -e /var/lib/heketi/mounts/{device.VolumeGroup}")).Ok, $"{node.Name}: mount root dir left");
        foreach (var brick in bricks)
        {
            var traces = await RawAsync(ssh, node.Ip, $"grep -F {brick.BrickId} /etc/fstab /proc/mounts || true");
            Assert.Equal(string.Empty, traces.StdOut.Trim());
        }
    }

    /// <summary>A brick sized as the allocator would: pool = size, metadata = 0.5 % rounded up to 4 MiB extents.</summary>
    private static BrickRequest NewBrick(DeviceRequest device, long sizeKiB, long gid, BrickRole role)
    {
        var id = NewId();
        var meta = Units.CeilToExtent((long)Math.Ceiling(sizeKiB * 0.005), 4096);
        return new BrickRequest(id, device.VolumeGroup, Brick.PathFor("/var/lib/heketi/mounts", device.DeviceId, id), sizeKiB, sizeKiB, meta, gid, role);
    }

    private static Task<CommandResult> RawAsync(ICommandTransport transport, string host, string command) =>
        transport.RunAsync(host, command, TimeSpan.FromSeconds(120), Ct);

    private static string Describe(CommandResult r) => $"exit {r.ExitCode}\n--- stdout\n{r.StdOut}\n--- stderr\n{r.StdErr}";

    private static async Task<string> Record(Func<Task<CommandResult>> action)
    {
        try
        {
            return Describe(await action());
        }
        catch (ExecutorException ex)
        {
            return "ExecutorException: " + ex.Message;
        }
    }

    private async Task Step(string name, Func<Task> action) => await Step(name, async () =>
    {
        await action();
        return true;
    });

    private async Task<T> Step<T>(string name, Func<Task<T>> action)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var result = await action();
            report.Add($"{name}: {watch.ElapsedMilliseconds} ms");
            return result;
        }
        catch (Exception ex)
        {
            report.Add($"{name}: FAILED after {watch.ElapsedMilliseconds} ms: {ex.Message}");
            throw;
        }
    }

    private static async Task SaveAsync(string file, string text)
    {
        Directory.CreateDirectory(ReportDirectory);
        await File.WriteAllTextAsync(Path.Combine(ReportDirectory, file), text, CancellationToken.None);
    }

    private async Task WriteReportAsync(string test)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join('\n', report));
        await SaveAsync(test + ".txt", string.Join('\n', report) + "\n");
    }
}
