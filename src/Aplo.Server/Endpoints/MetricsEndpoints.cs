using System.Globalization;
using System.Text;
using Aplo.Core.Operations;
using Aplo.Core.Topology;

namespace Aplo.Server.Endpoints;

/// <summary>
/// GET /metrics with Heketi's <c>heketi_*</c> gauges in the Prometheus text format. Built from the in-memory
/// model with its indexes, so a scrape costs O(devices + clusters), not a read of every volume.
/// </summary>
public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", Render);
        return app;
    }

    private static Task Render(HttpContext context, TopologyManager topology, OperationThrottle throttle)
    {
        var text = topology.Read(m => Build(m, throttle));
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    internal static string Build(TopologyModel model, OperationThrottle throttle)
    {
        var sb = new StringBuilder();
        Gauge(sb, "heketi_up", "Is heketi running?", [("", 1)]);
        Gauge(sb, "heketi_cluster_count", "Number of clusters", [("", model.Clusters.Count)]);
        Gauge(sb, "heketi_volumes_count", "Number of volumes on cluster", [.. model.Clusters.Keys.Select(c => (Labels(("cluster", c)), (double)model.VolumeIdsOf(c).Count))]);
        Gauge(sb, "heketi_block_volumes_count", "Number of block volumes on cluster", [.. model.Clusters.Keys.Select(c => (Labels(("cluster", c)), 0d))]);
        Gauge(sb, "heketi_nodes_count", "Number of nodes on cluster", [.. model.Clusters.Keys.Select(c => (Labels(("cluster", c)), (double)model.NodeIdsOf(c).Count))]);

        var nodes = model.Nodes.Values.OrderBy(n => n.Id, StringComparer.Ordinal).ToList();
        Gauge(sb, "heketi_device_count", "Number of devices on host", [.. nodes.Select(n => (Labels(("cluster", n.ClusterId), ("hostname", n.ManageHostname), ("storage_hostname", n.StorageHostname)), (double)model.DeviceIdsOf(n.Id).Count))]);

        var devices = nodes.SelectMany(n => model.DeviceIdsOf(n.Id).Select(d => (Node: n, Device: model.Devices[d]))).ToList();
        string DeviceLabels(Node n, Device d) => Labels(
            ("cluster", n.ClusterId), ("hostname", n.ManageHostname), ("storage_hostname", n.StorageHostname),
            ("id", d.Id), ("device", d.Name), ("pv_uuid", d.PvUuid ?? string.Empty));
        Gauge(sb, "heketi_device_size", "Total size of the device (KiB)", [.. devices.Select(x => (DeviceLabels(x.Node, x.Device), (double)x.Device.TotalKiB))]);
        Gauge(sb, "heketi_device_free", "Amount of free space available on the device (KiB)", [.. devices.Select(x => (DeviceLabels(x.Node, x.Device), (double)x.Device.FreeKiB))]);
        Gauge(sb, "heketi_device_used", "Amount of space used on the device (KiB)", [.. devices.Select(x => (DeviceLabels(x.Node, x.Device), (double)x.Device.UsedKiB))]);
        Gauge(sb, "heketi_device_size_bytes", "Total size of the device in bytes", [.. devices.Select(x => (DeviceLabels(x.Node, x.Device), x.Device.TotalKiB * 1024d))]);
        Gauge(sb, "heketi_device_free_bytes", "Amount of free space available on the device in bytes", [.. devices.Select(x => (DeviceLabels(x.Node, x.Device), x.Device.FreeKiB * 1024d))]);
        Gauge(sb, "heketi_device_used_bytes", "Amount of space used on the device in bytes", [.. devices.Select(x => (DeviceLabels(x.Node, x.Device), x.Device.UsedKiB * 1024d))]);
        Gauge(sb, "heketi_device_brick_count", "Number of bricks on device", [.. devices.Select(x => (DeviceLabels(x.Node, x.Device), (double)model.BrickIdsOnDevice(x.Device.Id).Count))]);

        var ops = model.Operations.Values;
        Gauge(sb, "heketi_operations_total_count", "Count of all pending operations", [("", model.Operations.Count)]);
        Gauge(sb, "heketi_operations_inFlight_count", "Count of operations in flight", [("", throttle.InFlight)]);
        Gauge(sb, "heketi_operations_new_count", "Count of new pending operations", [("", ops.Count(o => o.Status.Length == 0))]);
        Gauge(sb, "heketi_operations_stale_count", "Count of stale pending operations", [("", ops.Count(o => o.Status == "stale"))]);
        Gauge(sb, "heketi_operations_failed_count", "Count of failed pending operations", [("", ops.Count(o => o.Status == "failed"))]);
        return sb.ToString();
    }

    private static void Gauge(StringBuilder sb, string name, string help, IEnumerable<(string Labels, double Value)> samples)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        sb.Append("# TYPE ").Append(name).Append(" gauge\n");
        foreach (var (labels, value) in samples)
        {
            sb.Append(name).Append(labels).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static string Labels(params (string Name, string Value)[] labels) =>
        "{" + string.Join(",", labels.Select(l => $"{l.Name}=\"{Escape(l.Value)}\"")) + "}";

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
