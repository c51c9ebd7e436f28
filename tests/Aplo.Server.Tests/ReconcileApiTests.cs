using System.Net;
using System.Text.Json;
using Aplo.Contracts;
using Aplo.Core.Execution;
using Aplo.Core.Topology;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

/// <summary>
/// GET /reconcile and POST /reconcile/repair against a server on the simulated nodes: drift is made behind the
/// server's back by calling the simulated nodes directly, as an operator's shell or a lost reply would.
/// </summary>
public sealed class ReconcileApiTests : ApiTestBase
{
    private const string Orphan = "0badc0de0badc0de0badc0de0badc0de";

    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Fact]
    public async Task CleanCluster_WithVolumes_HasNoDrift()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 2, Ct);
        await Admin.VolumeCreateAsync(Replica3(10), Ct);
        await Admin.VolumeCreateAsync(Replica3(20), Ct);
        await Admin.VolumeExpandAsync((await Admin.VolumeCreateAsync(Replica3(5), Ct)).Id, 5, Ct);

        var report = await ExamineAsync();

        Assert.Equal(0, report.TotalDrift);
        var cluster = Assert.Single(report.Clusters);
        Assert.Equal(built.Id, cluster.Id);
        Assert.Empty(cluster.Drift);
        Assert.Equal(3, cluster.NodesChecked);
        Assert.Equal(6, cluster.DevicesChecked);
        Assert.Equal(12, cluster.BricksChecked);
        Assert.Equal(3, cluster.VolumesChecked);
        Assert.Equal(0, cluster.PendingSkipped);
    }

    [Fact]
    public async Task NoClusters_NoDrift()
    {
        using var document = JsonDocument.Parse(await ExpectAsync(HttpStatusCode.OK, "GET", "/reconcile"));

        Assert.Equal(0, document.RootElement.GetProperty("total_drift").GetInt32());
        Assert.Equal(0, document.RootElement.GetProperty("clusters").GetArrayLength());
        Assert.True(document.RootElement.GetProperty("checked_at").TryGetDateTimeOffset(out _));
    }

    [Fact]
    public async Task DriftMadeBehindTheServersBack_IsReported_AndRepairRemovesOnlyTheOrphan()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 4, 1, 1, Ct);
        var kept = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var lost = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var node1 = built.Nodes[0];
        var host1 = node1.Hostnames.Manage[0];
        var device1 = node1.Devices[0].Id;
        var down = built.Nodes[3];
        var poolsBefore = Host.Executor.ThinPools(host1).Order(StringComparer.Ordinal).ToList();

        // A brick nobody recorded, a volume gone from Gluster, a volume only Gluster knows, a node that is down.
        await Host.Executor.BrickCreateAsync(host1, OrphanBrick(device1), Ct);
        await Host.Executor.VolumeDestroyAsync(host1, lost.Name, Ct);
        await Host.Executor.VolumeCreateAsync(host1, new VolumeRequest("stranger", Distribute, [new BrickAddress(node1.Hostnames.Storage[0], "/srv/stranger/brick")], []), Ct);
        Host.Executor.DownHosts.Add(down.Hostnames.Manage[0]);

        var report = await ExamineAsync();

        var drift = Assert.Single(report.Clusters).Drift;
        Assert.Equal(4, report.TotalDrift);
        var orphan = Assert.Single(drift, d => d.Kind == "orphan-lv");
        Assert.Equal((node1.Id, host1, device1), (orphan.Node, orphan.Host, orphan.Device));
        Assert.Equal($"vg_{device1}/brick_{Orphan}, tp_{Orphan}", orphan.Subject);
        Assert.Equal("destroy-orphan-brick", orphan.Repair);
        Assert.Equal(lost.Name, Assert.Single(drift, d => d.Kind == "missing-volume").Subject);
        var unknown = Assert.Single(drift, d => d.Kind == "unknown-volume");
        Assert.Equal(("stranger", "none"), (unknown.Subject, unknown.Repair));
        var unreachable = Assert.Single(drift, d => d.Kind == "node-unreachable");
        Assert.Equal(down.Id, unreachable.Node);
        Assert.Contains("glusterd is not running", unreachable.Detail, StringComparison.Ordinal);

        var repair = await RepairAsync();

        var repaired = Assert.Single(repair.Repaired);
        Assert.Equal(("orphan-lv", orphan.Subject), (repaired.Kind, repaired.Subject));
        Assert.Empty(repair.Failed);
        Assert.Equal(poolsBefore, Host.Executor.ThinPools(host1).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["missing-volume", "node-unreachable", "unknown-volume"],
            Assert.Single(repair.After.Clusters).Drift.Select(d => d.Kind).Order(StringComparer.Ordinal));
        Assert.Equal(3, repair.After.TotalDrift);

        // Nothing the store knows was touched: the volume that Gluster still has is intact.
        Assert.Equal(3, Host.Executor.Volumes[kept.Name].Count);
        Assert.True(Host.Executor.Volumes.ContainsKey("stranger"));
    }

    [Fact]
    public async Task MissingAndUnmountedBricks_AreReported_AndNotRepaired()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var volume = await Admin.VolumeCreateAsync(Replica3(10), Ct);
        var brick = volume.Bricks.Single(b => b.NodeId == built.Nodes[1].Id);
        var host = built.Nodes[1].Hostnames.Manage[0];

        // Removing the brick behind the server's back takes its LVs and its mount.
        await Host.Executor.BrickDestroyAsync(host, new BrickRequest(brick.Id, "vg_" + brick.DeviceId, brick.Path, 1, 1, 1, 0, BrickRole.Data), Ct);

        var drift = Assert.Single(Assert.Single((await ExamineAsync()).Clusters).Drift);
        Assert.Equal(("missing-brick", $"vg_{brick.DeviceId}/brick_{brick.Id}", "none"), (drift.Kind, drift.Subject, drift.Repair));

        var repair = await RepairAsync();

        Assert.Empty(repair.Repaired);
        Assert.Equal(1, repair.After.TotalDrift);
    }

    [Fact]
    public async Task OrphanUsedByAGlusterVolume_IsLeftAlone()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var node = built.Nodes[2];
        var host = node.Hostnames.Manage[0];
        var request = OrphanBrick(node.Devices[0].Id);
        await Host.Executor.BrickCreateAsync(host, request, Ct);
        await Host.Executor.VolumeCreateAsync(host, new VolumeRequest("stranger", Distribute, [new BrickAddress(node.Hostnames.Storage[0], request.Path)], []), Ct);

        var drift = Assert.Single((await ExamineAsync()).Clusters).Drift;
        Assert.Equal(["orphan-lv", "unknown-volume"], drift.Select(d => d.Kind));
        Assert.Equal("none", drift[0].Repair);

        var repair = await RepairAsync();

        Assert.Empty(repair.Repaired);
        Assert.Contains($"vg_{node.Devices[0].Id}/tp_{Orphan}", Host.Executor.ThinPools(host));
        Assert.Equal(2, repair.After.TotalDrift);
    }

    [Fact]
    public async Task RunningOperation_ItsHalfMadeBricksAreNotDrift()
    {
        await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Host.Executor.BeforeCommand = (m, _) =>
        {
            if (m != "VolumeCreateAsync")
            {
                return Task.CompletedTask;
            }

            reached.TrySetResult();
            return release.Task;
        };
        using var accepted = await SendAsync("POST", "/volumes", """{"size":10,"durability":{"type":"replicate","replicate":{"replica":3}}}""");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        // The bricks exist on the nodes and Gluster has no volume yet: the operation's business, not drift.
        var cluster = Assert.Single((await ExamineAsync()).Clusters);

        Assert.Empty(cluster.Drift);
        Assert.Equal(4, cluster.PendingSkipped);
        Assert.Equal(0, cluster.BricksChecked);
        Assert.Equal(0, cluster.VolumesChecked);

        release.TrySetResult();
        using var done = await Admin.WaitAsync(accepted.Headers.Location!.OriginalString, Ct);
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        Assert.Equal(0, (await ExamineAsync()).TotalDrift);
    }

    [Fact]
    public async Task ClusterQuery_LimitsTheReport_ToThatCluster()
    {
        var first = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct, hostPrefix: "a", subnet: 1);
        var second = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct, hostPrefix: "b", subnet: 2);
        Host.Executor.DownHosts.Add(first.Nodes[0].Hostnames.Manage[0]);

        var all = await ExamineAsync();
        var one = await ExamineAsync("?cluster=" + second.Id);

        Assert.Equal(new[] { first.Id, second.Id }.Order(StringComparer.Ordinal), all.Clusters.Select(c => c.Id));
        Assert.Equal(1, all.TotalDrift);
        Assert.Equal(second.Id, Assert.Single(one.Clusters).Id);
        Assert.Equal(0, one.TotalDrift);

        var repair = await RepairAsync("?cluster=" + first.Id);
        Assert.Equal(first.Id, Assert.Single(repair.After.Clusters).Id);
    }

    [Theory]
    [InlineData("GET", "/reconcile?cluster=not-an-id")]
    [InlineData("GET", "/reconcile?cluster=")]
    [InlineData("GET", "/reconcile?cluster=abc&cluster=def")]
    [InlineData("POST", "/reconcile/repair?cluster=xyz")]
    public async Task ClusterQuery_NotOneId_Is400(string method, string path)
    {
        Assert.Contains("cluster", await ExpectAsync(HttpStatusCode.BadRequest, method, path), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/reconcile")]
    [InlineData("POST", "/reconcile/repair")]
    public async Task ClusterQuery_UnknownCluster_Is404(string method, string path)
    {
        await TopologyBuilder.BuildAsync(Admin, 1, 1, 1, Ct);

        await ExpectAsync(HttpStatusCode.NotFound, method, path + "?cluster=" + new string('a', 32));
    }

    [Theory]
    [InlineData("GET", "/reconcile")]
    [InlineData("POST", "/reconcile/repair")]
    public async Task UserRole_IsRefused(string method, string path)
    {
        using var response = await Host.User().SendAsync(new HttpMethod(method), path, null, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Administrator access required", (await response.Content.ReadAsStringAsync(Ct)).Trim());
    }

    [Fact]
    public async Task NoToken_IsRefused()
    {
        using var raw = Host.Raw();
        using var response = await raw.GetAsync(new Uri("/reconcile", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public override async ValueTask DisposeAsync()
    {
        release.TrySetResult();
        await base.DisposeAsync();
    }

    private static Durability Distribute => new(DurabilityType.None, 1, 0, 0, false);

    private BrickRequest OrphanBrick(string deviceId) =>
        new(Orphan, "vg_" + deviceId, Brick.PathFor(Host.Options.Gluster.MountRoot, deviceId, Orphan), Units.GiB, Units.GiB, 8 * Units.MiB, 0, BrickRole.Data);

    private static VolumeCreateRequest Replica3(long size) =>
        new() { Size = size, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } };

    private async Task<ReconcileResponse> ExamineAsync(string query = "") =>
        JsonSerializer.Deserialize(await ExpectAsync(HttpStatusCode.OK, "GET", "/reconcile" + query), HeketiJsonContext.Default.ReconcileResponse)!;

    private async Task<RepairResponse> RepairAsync(string query = "") =>
        JsonSerializer.Deserialize(await ExpectAsync(HttpStatusCode.OK, "POST", "/reconcile/repair" + query), HeketiJsonContext.Default.RepairResponse)!;
}
