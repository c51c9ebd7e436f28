using System.Globalization;
using System.Net;
using System.Text.Json;
using Aplo.Client;
using Aplo.Contracts;

namespace Aplo.Lab.Tests;

/// <summary>
/// Crash safety on real GlusterFS. For each operation and each point between its node commands, aplo-server is
/// killed with SIGKILL there (or the command fails there), started again on the same database, and the nodes
/// are checked through ssh, not through the code under test: no leaked LV, each volume group's used space equal
/// to the store's accounting, no half-made Gluster volume, and the operation's outcome in the queue.
/// docs/crash-safety.md has the matrix these cases make.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class CrashSafetyTests(CrashFixture fx)
{
    private const string Interrupted = "The server stopped before the operation finished";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Operation, fault, and what the queue must say after the restart.</summary>
    public static TheoryData<string, string, string> Kills => new()
    {
        { "create", "kill:BrickCreate#1:before", "rolled back" },
        { "create", "kill:BrickCreate#1:after", "rolled back" },
        { "create", "kill:BrickCreate#3:after", "rolled back" },
        { "create", "kill:VolumeCreate#1:before", "rolled back" },
        { "create", "kill:VolumeCreate#1:after", "rolled back" },
        { "expand", "kill:BrickCreate#1:after", "rolled back" },
        { "expand", "kill:VolumeExpand#1:before", "rolled back" },
        { "expand", "kill:VolumeExpand#1:after", "completed" },
        { "delete", "kill:VolumeDestroy#1:before", "completed" },
        { "delete", "kill:VolumeDestroy#1:after", "completed" },
        { "delete", "kill:BrickDestroy#1:after", "completed" },
        { "device add", "kill:DeviceSetup#1:before", "rolled back" },
        { "device add", "kill:DeviceSetup#1:after", "rolled back" },
        { "evict", "kill:BrickCreate#1:after", "rolled back" },
        { "evict", "kill:VolumeReplaceBrick#1:before", "rolled back" },
        { "evict", "kill:VolumeReplaceBrick#1:after", "completed" },
        { "evict", "kill:BrickDestroy#1:after", "completed" },
    };

    /// <summary>
    /// Operation, a command failure on the second node (<c>{node2}</c>) or on the first host the call goes to, and
    /// the outcome. Each failure comes after the command ran, as when a reply is lost: what it made must go too.
    /// An add-brick that ran is an expansion that happened, so that one completes.
    /// </summary>
    public static TheoryData<string, string, string> Failures => new()
    {
        { "create", "fail:BrickCreate@{node2}#1:after", "rolled back" },
        { "create", "fail:VolumeCreate#1:after", "rolled back" },
        { "expand", "fail:BrickCreate@{node2}#1:after", "rolled back" },
        { "expand", "fail:VolumeExpand#1:after", "completed" },
        { "device add", "fail:DeviceSetup#1:after", "rolled back" },
        { "evict", "fail:VolumeReplaceBrick#1:after", "completed" },
    };

    [Theory]
    [MemberData(nameof(Kills))]
    public async Task Sigkill_IsRecoveredAtRestart(string operation, string fault, string expected)
    {
        var target = await PrepareAsync(operation);
        string? location = null;
        await using (var doomed = await fx.StartAsync(fault, Ct))
        {
            try
            {
                location = await StartOperationAsync(doomed.Admin, operation, target);
            }
            catch (HttpRequestException)
            {
                // The operation starts on the thread pool while the 202 is written, so a kill at its first
                // command can beat the reply. The client then knows nothing; the store knows the operation.
            }

            var exit = await doomed.WaitForExitAsync(TimeSpan.FromMinutes(3), Ct);
            Assert.True(exit == 137, $"expected SIGKILL (137), got {exit}:\n{doomed.Output}");
            Assert.Contains($"APLO_TEST_FAULT: {fault} reached", doomed.Output, StringComparison.Ordinal);
        }

        // Whether or not the reply got out, the database holds exactly the one operation, and the queue
        // location is its id.
        var pending = Assert.Single(await fx.PendingOperationIdsAsync(Ct));
        Assert.True(location is null || location == "/queue/" + pending, $"queue location {location}, pending operation {pending}");
        location ??= "/queue/" + pending;

        // The client polls on across the restart: pending while recovery runs, then the real outcome.
        await using var server = await fx.StartAsync(null, Ct);
        using var outcome = await server.Admin.WaitAsync(location, Ct);
        await WaitRecoveredAsync(server);
        var body = await outcome.Content.ReadAsStringAsync(Ct);
        if (expected == "completed")
        {
            Assert.True(outcome.StatusCode is HttpStatusCode.SeeOther or HttpStatusCode.NoContent, $"queue says {(int)outcome.StatusCode}: {body}");
        }
        else
        {
            Assert.Equal(HttpStatusCode.InternalServerError, outcome.StatusCode);
            Assert.Contains(Interrupted, body, StringComparison.Ordinal);
        }

        await AssertOutcomeAsync(server.Admin, operation, target, expected);
        await AssertConsistentAsync(server);
        await CleanUpAsync(server.Admin);
        fx.Clean = true;
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task CommandFailure_OnOneNode_EndsCleanly(string operation, string fault, string expected)
    {
        var target = await PrepareAsync(operation);
        fault = fault.Replace("{node2}", fx.Lab.Nodes[1].Ip, StringComparison.Ordinal);
        await using var server = await fx.StartAsync(fault, Ct);
        var location = await StartOperationAsync(server.Admin, operation, target);
        using var outcome = await server.Admin.WaitAsync(location, Ct);
        var body = await outcome.Content.ReadAsStringAsync(Ct);
        if (expected == "completed")
        {
            Assert.True(outcome.StatusCode is HttpStatusCode.SeeOther or HttpStatusCode.NoContent, $"queue says {(int)outcome.StatusCode}: {body}");
        }
        else
        {
            Assert.Equal(HttpStatusCode.InternalServerError, outcome.StatusCode);
            Assert.Contains("injected failure", body, StringComparison.Ordinal);
        }

        await AssertOutcomeAsync(server.Admin, operation, target, expected);
        await AssertConsistentAsync(server);
        await CleanUpAsync(server.Admin);
        fx.Clean = true;
    }

    /// <summary>
    /// What the operation works on: for an expand or delete, a 1 GiB replica-3 volume made now; for an evict,
    /// <c>volume/brick</c>, node 1's brick of such a volume, with node 1's second disk added after it as the
    /// only place that brick can move to.
    /// </summary>
    private async Task<string?> PrepareAsync(string operation)
    {
        await fx.EnsureFreshAsync(Ct);
        if (operation is not ("expand" or "delete" or "evict"))
        {
            return null;
        }

        await using var server = await fx.StartAsync(null, Ct);
        var volume = await server.Admin.VolumeCreateAsync(Replica3(1), Ct);
        if (operation != "evict")
        {
            return volume.Id;
        }

        var node1 = fx.Lab.Nodes[0];
        await server.Admin.DeviceAddAsync(new DeviceAddRequest { NodeId = fx.NodeIds[node1.Name], Name = node1.Devices[1] }, Ct);
        return $"{volume.Id}/{volume.Bricks.Single(b => b.NodeId == fx.NodeIds[node1.Name]).Id}";
    }

    private async Task<string> StartOperationAsync(HeketiClient admin, string operation, string? target)
    {
        var node1 = fx.Lab.Nodes[0];
        var (method, path, json) = operation switch
        {
            "create" => (HttpMethod.Post, "/volumes", """{"size":1,"durability":{"type":"replicate","replicate":{"replica":3}}}"""),
            "expand" => (HttpMethod.Post, $"/volumes/{target}/expand", """{"expand_size":1}"""),
            "delete" => (HttpMethod.Delete, $"/volumes/{target}", null),
            "device add" => (HttpMethod.Post, "/devices", $$"""{"node":"{{fx.NodeIds[node1.Name]}}","name":"{{node1.Devices[1]}}"}"""),
            "evict" => (HttpMethod.Post, "/bricks/to-evict/" + target![(target!.IndexOf('/') + 1)..], null),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
        };
        using var response = await admin.SendAsync(method, path, json is null ? null : new StringContent(json), Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    /// <summary>The store says what the queue said: the volume or device is there, or it is not.</summary>
    private async Task AssertOutcomeAsync(HeketiClient admin, string operation, string? target, string expected)
    {
        var volumes = (await admin.VolumeListAsync(Ct)).Volumes;
        switch (operation)
        {
            case "create":
                Assert.Empty(volumes);
                break;
            case "expand":
                var volume = await admin.VolumeInfoAsync(target!, Ct);
                Assert.Equal(expected == "completed" ? 2 : 1, volume.Size);
                Assert.Equal(expected == "completed" ? 6 : 3, volume.Bricks.Count);
                break;
            case "delete":
                Assert.DoesNotContain(target!, volumes);
                break;
            case "device add":
                var node = await admin.NodeInfoAsync(fx.NodeIds[fx.Lab.Nodes[0].Name], Ct);
                Assert.DoesNotContain(node.Devices, d => d.Name == fx.Lab.Nodes[0].Devices[1]);
                break;
            case "evict":
                var (volumeId, brickId) = (target![..target!.IndexOf('/')], target![(target!.IndexOf('/') + 1)..]);
                var bricks = (await admin.VolumeInfoAsync(volumeId, Ct)).Bricks;
                Assert.Equal(3, bricks.Count);
                Assert.Equal(expected == "rolled back", bricks.Any(b => b.Id == brickId));
                break;
        }
    }

    private static async Task WaitRecoveredAsync(ServerProcess server)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            using var response = await server.Admin.SendAsync(HttpMethod.Get, "/operations/pending", null, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.GetProperty("pendingoperations").GetArrayLength() == 0)
            {
                return;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"operations still pending 2 min after restart: {body}\n{server.Output}");
            await Task.Delay(500, Ct);
        }
    }

    /// <summary>The nodes hold exactly what the store says, checked with the system ssh client, and reconcile agrees.</summary>
    private async Task AssertConsistentAsync(ServerProcess server)
    {
        var admin = server.Admin;
        var storeVolumes = new Dictionary<string, VolumeInfoResponse>();
        foreach (var id in (await admin.VolumeListAsync(Ct)).Volumes)
        {
            var v = await admin.VolumeInfoAsync(id, Ct);
            storeVolumes[v.Name] = v;
        }

        // One ssh call per node reads LVs, volume groups, mounts and fstab, in sections split by '#'. The nodes are
        // read at the same time; each LVM report costs about half a second under User-Mode Linux.
        var facts = await Task.WhenAll(fx.Lab.Nodes.Select(node => fx.Lab.MustAsync(
            node,
            "lvs --noheadings --separator / -o vg_name,lv_name; echo '#'; "
            + "vgs --noheadings --units k --nosuffix -o vg_name,vg_size,vg_free; echo '#'; "
            + "awk '$2 ~ \"^/var/lib/heketi/mounts/\" {print $2}' /proc/mounts; echo '#'; "
            + "awk '$2 ~ \"^/var/lib/heketi/mounts/\" {print $2}' /etc/fstab",
            Ct)));
        foreach (var (node, nodeFacts) in fx.Lab.Nodes.Zip(facts))
        {
            var info = await admin.NodeInfoAsync(fx.NodeIds[node.Name], Ct);
            var devices = new List<DeviceInfoResponse>();
            foreach (var d in info.Devices)
            {
                devices.Add(await admin.DeviceInfoAsync(d.Id, Ct));
            }

            var sections = nodeFacts.Split('#').Select(p => p.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()).ToList();
            Assert.Equal(4, sections.Count);

            // No leaked LV: every brick LV and thin pool on the node belongs to a brick in the store, and back.
            var expectedLvs = devices.SelectMany(d => d.Bricks.SelectMany(b => new[] { $"vg_{d.Id}/brick_{b.Id}", $"vg_{d.Id}/tp_{b.Id}" })).Order().ToList();
            Assert.Equal(expectedLvs, sections[0].Order().ToList());

            // Each volume group's size and used space are what the store accounts.
            var vgs = sections[1]
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .ToDictionary(f => f[0], f => (Size: Kib(f[1]), Free: Kib(f[2])));
            Assert.Equal(devices.Select(d => "vg_" + d.Id).Order(), vgs.Keys.Order());
            foreach (var d in devices)
            {
                var vg = vgs["vg_" + d.Id];
                Assert.Equal(vg.Size, d.Storage.Total);
                Assert.Equal(vg.Size - vg.Free, d.Storage.Used);
            }

            // Mounts and fstab lines: one per brick, nothing else under the mount root.
            var expectedMounts = devices.SelectMany(d => d.Bricks).Select(b => b.Path[..b.Path.LastIndexOf('/')]).Order().ToList();
            Assert.Equal(expectedMounts, sections[2].Order().ToList());
            Assert.Equal(expectedMounts, sections[3].Order().ToList());
        }

        // No half-made Gluster volume: Gluster has exactly the store's volumes, each started with the store's bricks.
        var list = await fx.Lab.MustAsync(fx.Lab.Nodes[0], "gluster --mode=script volume list", Ct);
        var glusterNames = list.Contains("No volumes present", StringComparison.Ordinal)
            ? []
            : list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order().ToList();
        Assert.Equal(storeVolumes.Keys.Order(), glusterNames);
        foreach (var v in storeVolumes.Values)
        {
            var info = await fx.Lab.MustAsync(fx.Lab.Nodes[0], $"gluster --mode=script volume info {v.Name}", Ct);
            Assert.Contains("Status: Started", info, StringComparison.Ordinal);
            Assert.Contains($"Number of Bricks: {(v.Bricks.Count == 3 ? "1 x 3 = 3" : $"{v.Bricks.Count / 3} x 3 = {v.Bricks.Count}")}", info, StringComparison.Ordinal);
        }

        // The reconcile, which reads the same things through the executor, finds no drift either.
        using var reconcile = await admin.SendAsync(HttpMethod.Get, "/reconcile", null, Ct);
        var report = await reconcile.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, reconcile.StatusCode);
        using var doc = JsonDocument.Parse(report);
        Assert.True(doc.RootElement.GetProperty("total_drift").GetInt32() == 0, "reconcile found drift: " + report);
    }

    /// <summary>
    /// Back to the start for the next case, through the API: no volumes, and no second disk on node 1 (an eviction
    /// case added it; a device add that ran is asserted rolled back). Cheaper than wiping the nodes and making the
    /// cluster again, which a case that fails still gets.
    /// </summary>
    private Task CleanUpAsync(HeketiClient admin) => LabCleanup.ResetAsync(admin, fx.Lab.Nodes[0], fx.NodeIds[fx.Lab.Nodes[0].Name], Ct);

    private static VolumeCreateRequest Replica3(long size) => new()
    {
        Size = size,
        Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } },
    };

    private static long Kib(string field) => (long)double.Parse(field, CultureInfo.InvariantCulture);
}
