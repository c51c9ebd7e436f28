using System.Net;
using Aplo.Contracts;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

public sealed class NodeDeviceApiTests : ApiTestBase
{
    private async Task<string> ClusterAsync() => (await Admin.ClusterCreateAsync(new ClusterCreateRequest { File = true }, Ct)).Id;

    private static string NodeBody(string cluster, string manage, string storage, int zone = 1) =>
        $$"""{"zone":{{zone}},"hostnames":{"manage":["{{manage}}"],"storage":["{{storage}}"]},"cluster":"{{cluster}}"}""";

    [Fact]
    public async Task NodeAdd_Accepts_ThenRedirectsToTheNode()
    {
        var cluster = await ClusterAsync();
        using var done = await AcceptedThenAsync("POST", "/nodes", NodeBody(cluster, "n1.example", "10.0.0.1"));
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        var location = done.Headers.Location!.OriginalString;
        Assert.StartsWith("/nodes/", location, StringComparison.Ordinal);

        var node = await Admin.NodeInfoAsync(location["/nodes/".Length..], Ct);
        Assert.Equal(cluster, node.ClusterId);
        Assert.Equal("online", node.State);
        Assert.Equal(["n1.example"], node.Hostnames.Manage);
        Assert.Empty(node.Devices);
        Assert.Contains(node.Id, (await Admin.ClusterInfoAsync(cluster, Ct)).Nodes);
    }

    [Fact]
    public async Task NodeAdd_SecondNodeIsProbedFromTheFirst()
    {
        await TopologyBuilder.BuildAsync(Admin, 1, 3, 0, Ct);
        Assert.Equal(2, Host.Executor.Calls["PeerProbeAsync"]);
    }

    [Fact]
    public async Task NodeAdd_DuplicateHostname_Is409()
    {
        var cluster = await ClusterAsync();
        var first = await Admin.NodeAddAsync(new NodeAddRequest { ClusterId = cluster, Zone = 1, Hostnames = new() { Manage = ["n1"], Storage = ["10.0.0.1"] } }, Ct);
        var text = await ExpectAsync(HttpStatusCode.Conflict, "POST", "/nodes", NodeBody(cluster, "n2", "10.0.0.1"));
        Assert.Equal($"Hostname 10.0.0.1 already used by node with id {first.Id}", text);
    }

    [Theory]
    [InlineData("n1; rm -rf /", "10.0.0.1")]
    [InlineData("n1", "10.0.0.1 && reboot")]
    [InlineData("$(reboot)", "10.0.0.1")]
    [InlineData("n1", "")]
    public async Task NodeAdd_BadHostname_Is400AndRunsNothing(string manage, string storage)
    {
        var cluster = await ClusterAsync();
        var text = await ExpectAsync(HttpStatusCode.BadRequest, "POST", "/nodes", NodeBody(cluster, manage, storage));
        Assert.StartsWith("validation failed: hostnames.", text, StringComparison.Ordinal);
        Assert.Empty((await Admin.ClusterInfoAsync(cluster, Ct)).Nodes);
        Assert.False(Host.Executor.Calls.ContainsKey("GlusterdCheckAsync"));
    }

    [Fact]
    public async Task NodeAdd_ZoneZero_Is400_UnknownCluster_Is404()
    {
        var cluster = await ClusterAsync();
        Assert.Equal("validation failed: zone: must be no less than 1", await ExpectAsync(HttpStatusCode.BadRequest, "POST", "/nodes", NodeBody(cluster, "n1", "10.0.0.1", zone: 0)));
        Assert.Equal("Cluster id does not exist", await ExpectAsync(HttpStatusCode.NotFound, "POST", "/nodes", NodeBody(new string('a', 32), "n1", "10.0.0.1")));
    }

    [Fact]
    public async Task NodeAdd_WhenGlusterdIsDown_Is400()
    {
        var cluster = await ClusterAsync();
        Host.Executor.DownHosts.Add("n1");
        Assert.Equal("New Node doesn't have glusterd running", await ExpectAsync(HttpStatusCode.BadRequest, "POST", "/nodes", NodeBody(cluster, "n1", "10.0.0.1")));
        Host.Executor.DownHosts.Clear();
        await Admin.NodeAddAsync(new NodeAddRequest { ClusterId = cluster, Zone = 1, Hostnames = new() { Manage = ["n1"], Storage = ["10.0.0.1"] } }, Ct);
        Host.Executor.DownHosts.Add("n1");
        Assert.Equal("None of the nodes in cluster has glusterd running", await ExpectAsync(HttpStatusCode.BadRequest, "POST", "/nodes", NodeBody(cluster, "n2", "10.0.0.2")));
    }

    [Fact]
    public async Task NodeDelete_WithDevices_Is409_WithoutDevices_Is204()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 1, 2, 1, Ct);
        var node = built.Nodes[0];
        Assert.Equal($"Unable to delete node [{node.Id}] because it contains devices", await ExpectAsync(HttpStatusCode.Conflict, "DELETE", $"/nodes/{node.Id}"));

        var device = node.Devices[0].Id;
        await AcceptedThenAsync("POST", $"/devices/{device}/state", """{"state":"offline"}""");
        await AcceptedThenAsync("POST", $"/devices/{device}/state", """{"state":"failed"}""");
        using (var deleted = await AcceptedThenAsync("DELETE", $"/devices/{device}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var deleted = await AcceptedThenAsync("DELETE", $"/nodes/{node.Id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await ExpectAsync(HttpStatusCode.NotFound, "GET", $"/nodes/{node.Id}");
        Assert.DoesNotContain(node.Id, (await Admin.ClusterInfoAsync(built.Id, Ct)).Nodes);
        Assert.Equal(1, Host.Executor.Calls["PeerDetachAsync"]);
    }

    [Fact]
    public async Task DeviceAdd_FinishesWith204_AndReportsTheVolumeGroupSize()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 1, 1, 0, Ct);
        var body = $$$"""{"name":"/dev/sdb","node":"{{{built.Nodes[0].Id}}}","tags":{"ssd":"yes"}}""";
        using (var done = await AcceptedThenAsync("POST", "/devices", body))
        {
            Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);
        }

        var node = await Admin.NodeInfoAsync(built.Nodes[0].Id, Ct);
        var device = Assert.Single(node.Devices);
        Assert.Equal(500L * 1024 * 1024, device.Storage.Total);
        Assert.Equal(device.Storage.Total, device.Storage.Free);
        Assert.Equal(0, device.Storage.Used);
        Assert.Equal("yes", device.Tags!["ssd"]);
        Assert.Equal("online", device.State);
        Assert.Empty(device.Bricks);
    }

    [Theory]
    [InlineData("/dev/sdb; reboot")]
    [InlineData("dev/sdb")]
    [InlineData("/dev/sd b")]
    [InlineData("/dev/$(id)")]
    [InlineData("")]
    public async Task DeviceAdd_BadName_Is400AndRunsNothing(string name)
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 1, 1, 0, Ct);
        var body = $$"""{"name":"{{name}}","node":"{{built.Nodes[0].Id}}"}""";
        Assert.StartsWith("validation failed: name:", await ExpectAsync(HttpStatusCode.BadRequest, "POST", "/devices", body), StringComparison.Ordinal);
        Assert.False(Host.Executor.Calls.ContainsKey("DeviceSetupAsync"));
        Assert.Empty((await Admin.NodeInfoAsync(built.Nodes[0].Id, Ct)).Devices);
    }

    [Fact]
    public async Task DeviceAdd_SameNameTwice_Is409_UnknownNode_Is404()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 1, 1, 1, Ct);
        var node = built.Nodes[0];
        Assert.StartsWith("Device /dev/sdb is already used", await ExpectAsync(HttpStatusCode.Conflict, "POST", "/devices", $$"""{"name":"/dev/sdb","node":"{{node.Id}}"}"""), StringComparison.Ordinal);
        Assert.Equal("Node id does not exist", await ExpectAsync(HttpStatusCode.NotFound, "POST", "/devices", $$"""{"name":"/dev/sdc","node":"{{new string('b', 32)}}"}"""));
    }

    [Fact]
    public async Task DeviceAdd_WhenSetupFails_FinishesWith500_AndForgetsTheDevice()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 1, 1, 0, Ct);
        Host.Executor.BeforeCommand = (method, host) => method == "DeviceSetupAsync"
            ? Task.FromException(new Aplo.Core.Execution.ExecutorException(host, "Can't open /dev/sdz exclusively.  Mounted filesystem?"))
            : Task.CompletedTask;
        using var done = await AcceptedThenAsync("POST", "/devices", $$"""{"name":"/dev/sdz","node":"{{built.Nodes[0].Id}}"}""");
        Assert.Equal(HttpStatusCode.InternalServerError, done.StatusCode);
        Assert.Contains("Can't open /dev/sdz exclusively", await done.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty((await Admin.NodeInfoAsync(built.Nodes[0].Id, Ct)).Devices);
    }

    [Fact]
    public async Task DeviceState_FollowsHeketisStateMachine()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 1, 1, 1, Ct);
        var device = built.Nodes[0].Devices[0].Id;
        Assert.StartsWith("Device cannot move from online to failed", await ExpectAsync(HttpStatusCode.Conflict, "POST", $"/devices/{device}/state", """{"state":"failed"}"""), StringComparison.Ordinal);
        Assert.StartsWith("validation failed: state:", await ExpectAsync(HttpStatusCode.BadRequest, "POST", $"/devices/{device}/state", """{"state":"sideways"}"""), StringComparison.Ordinal);
        Assert.StartsWith("validation failed: state:", await ExpectAsync(HttpStatusCode.BadRequest, "DELETE", $"/devices/{device}"), StringComparison.Ordinal);

        using (var r = await AcceptedThenAsync("POST", $"/devices/{device}/state", """{"state":"offline"}"""))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }

        Assert.Equal("offline", (await Admin.DeviceInfoAsync(device, Ct)).State);
        await AcceptedThenAsync("POST", $"/devices/{device}/state", """{"state":"failed"}""");
        Assert.Equal("failed", (await Admin.DeviceInfoAsync(device, Ct)).State);
        Assert.StartsWith("Device cannot move from failed to online", await ExpectAsync(HttpStatusCode.Conflict, "POST", $"/devices/{device}/state", """{"state":"online"}"""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tags_SetUpdateDelete_ReturnTheResultingMap()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 1, 1, 0, Ct);
        var node = built.Nodes[0].Id;
        Assert.Equal("""{"a":"1","b":"2"}""", await ExpectAsync(HttpStatusCode.OK, "POST", $"/nodes/{node}/tags", """{"tags":{"a":"1","b":"2"},"change_type":"set"}"""));
        Assert.Equal("""{"a":"9","b":"2","c":"3"}""", await ExpectAsync(HttpStatusCode.OK, "POST", $"/nodes/{node}/tags", """{"tags":{"a":"9","c":"3"},"change_type":"update"}"""));
        Assert.Equal("""{"c":"3"}""", await ExpectAsync(HttpStatusCode.OK, "POST", $"/nodes/{node}/tags", """{"tags":{"a":"","b":""},"change_type":"delete"}"""));
        Assert.Equal(new Dictionary<string, string> { ["c"] = "3" }, (await Admin.NodeInfoAsync(node, Ct)).Tags);
        Assert.StartsWith("validation failed: tags:", await ExpectAsync(HttpStatusCode.BadRequest, "POST", $"/nodes/{node}/tags", """{"tags":{"bad key":"1"},"change_type":"set"}"""), StringComparison.Ordinal);
        Assert.StartsWith("validation failed: change_type:", await ExpectAsync(HttpStatusCode.BadRequest, "POST", $"/nodes/{node}/tags", """{"tags":{"a":"1"},"change_type":"merge"}"""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resync_IsAGetThatAccepts_AndRestoresLvmsView()
    {
        var built = await TopologyBuilder.BuildAsync(Admin, 3, 1, 1, Ct);
        await Admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 10, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
        var device = built.Nodes[0].Devices[0].Id;
        var before = await Admin.DeviceInfoAsync(device, Ct);

        using var accepted = await SendAsync("GET", $"/devices/{device}/resync");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Contains("Accepted", await accepted.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var done = await Admin.WaitAsync(accepted.Headers.Location!.OriginalString, Ct);
        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);

        // The simulated VG holds exactly what the allocator charged, so a resync must agree with the store.
        var after = await Admin.DeviceInfoAsync(device, Ct);
        Assert.Equal(before.Storage, after.Storage);
    }
}
