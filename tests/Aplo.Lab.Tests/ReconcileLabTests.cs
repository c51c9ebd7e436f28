using System.Net;
using System.Text.Json;
using Aplo.Contracts;

namespace Aplo.Lab.Tests;

/// <summary>
/// The reconcile on real nodes: drift made behind the server's back with LVM and gluster commands is reported in
/// the node's own words, and the safe part of it is repaired.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class ReconcileLabTests(LabFixture lab)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reconcile_ReportsAnOrphanLvAndAStrayGlusterVolume_AndRepairRemovesOnlyTheOrphan()
    {
        var volume = await lab.Admin.VolumeCreateAsync(
            new VolumeCreateRequest { Size = 1, Durability = new() { Type = "replicate", Replicate = new() { Replica = 3 } } }, Ct);
        var node = lab.Lab.Nodes[0];
        var vg = "vg_" + lab.DeviceIds[node.Name];
        var orphan = Guid.NewGuid().ToString("N");
        try
        {
            Assert.Equal(0, await DriftAsync());

            // A brick left behind by a crash of some older tool: a thin pool and LV named as Aplo names them.
            await lab.Lab.MustAsync(node, $"lvcreate -qq --poolmetadataspare n -L 64M --thin {vg}/tp_{orphan} -V 64M -n brick_{orphan}", Ct);
            // A Gluster volume someone made by hand.
            await lab.Lab.MustAsync(node, $"mkdir -p /var/tmp/stray && gluster --mode=script volume create stray {node.Ip}:/var/tmp/stray force", Ct);

            using (var report = await ReconcileAsync(HttpMethod.Get, "/reconcile"))
            {
                var drift = Drift(report.RootElement).ToList();
                Assert.Equal(2, report.RootElement.GetProperty("total_drift").GetInt32());
                var lv = Assert.Single(drift, d => d.Kind == "orphan-lv");
                Assert.Equal($"{vg}/brick_{orphan}, tp_{orphan}", lv.Subject);
                Assert.Equal("destroy-orphan-brick", lv.Repair);
                Assert.Equal(node.Ip, lv.Host);
                var stray = Assert.Single(drift, d => d.Kind == "unknown-volume");
                Assert.Equal("stray", stray.Subject);
                Assert.Equal("none", stray.Repair);
            }

            using (var repair = await ReconcileAsync(HttpMethod.Post, "/reconcile/repair"))
            {
                var repaired = Assert.Single(repair.RootElement.GetProperty("repaired").EnumerateArray());
                Assert.Equal("orphan-lv", repaired.GetProperty("kind").GetString());
                Assert.Empty(repair.RootElement.GetProperty("failed").EnumerateArray());
                var after = Drift(repair.RootElement.GetProperty("after")).ToList();
                Assert.Equal("unknown-volume", Assert.Single(after).Kind);
            }

            // The orphan is gone from the node; the volume Aplo manages and the stray one are untouched.
            Assert.Equal(string.Empty, (await lab.Lab.MustAsync(node, $"lvs --noheadings -o lv_name {vg} | grep {orphan} || true", Ct)).Trim());
            Assert.Contains(volume.Name, await lab.Lab.MustAsync(node, "gluster --mode=script volume list", Ct), StringComparison.Ordinal);
            Assert.Contains("stray", await lab.Lab.MustAsync(node, "gluster --mode=script volume list", Ct), StringComparison.Ordinal);
        }
        finally
        {
            await lab.Lab.OnNodeAsync(node, $"gluster --mode=script volume delete stray; rm -rf /var/tmp/stray; lvremove -qq -f {vg}/brick_{orphan} {vg}/tp_{orphan}", CancellationToken.None);
            await lab.Admin.VolumeDeleteAsync(volume.Id, CancellationToken.None);
        }
    }

    private async Task<int> DriftAsync()
    {
        using var report = await ReconcileAsync(HttpMethod.Get, "/reconcile");
        return report.RootElement.GetProperty("total_drift").GetInt32();
    }

    private async Task<JsonDocument> ReconcileAsync(HttpMethod method, string path)
    {
        using var response = await lab.Admin.SendAsync(method, path, null, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    private static IEnumerable<(string Kind, string Subject, string Repair, string? Host)> Drift(JsonElement report) =>
        report.GetProperty("clusters").EnumerateArray()
            .SelectMany(c => c.GetProperty("drift").EnumerateArray())
            .Select(d => (
                d.GetProperty("kind").GetString()!,
                d.GetProperty("subject").GetString()!,
                d.GetProperty("repair").GetString()!,
                d.TryGetProperty("host", out var h) ? h.GetString() : null));
}
