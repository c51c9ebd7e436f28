using System.Text.Json;
using Aplo.Contracts;

namespace Aplo.Cli;

internal static class DeviceCommands
{
    public static readonly Command Tree = new("device", "Add, inspect, enable, disable, remove and resync devices")
    {
        Children =
        [
            new("add", "Add a raw block device to a node")
            {
                Flags =
                [
                    new("name", null, false, "device path, e.g. /dev/sdb"),
                    new("node", null, false, "node id"),
                    new("destroy-existing-data", null, true, "wipe whatever the device holds (DESTROYS DATA)"),
                ],
                Run = AddAsync,
            },
            new("info", "Show a device and its bricks", "<device-id>") { Run = InfoAsync },
            new("enable", "Put a device online", "<device-id>") { Run = i => NodeCommands.StateAsync(i, "online", "is now online", "devices") },
            new("disable", "Take a device offline (no new bricks)", "<device-id>") { Run = i => NodeCommands.StateAsync(i, "offline", "is now offline", "devices") },
            new("remove", "Move every brick off an offline device (state failed)", "<device-id>")
            {
                Flags = [NodeCommands.HealCheckFlag],
                Run = i => NodeCommands.StateAsync(i, "failed", "is removed: its bricks were moved", "devices"),
            },
            new("delete", "Delete a removed device", "<device-id>")
            {
                Flags = [new("force-forget", null, true, "forget the device even if tearing down its LVM fails")],
                Run = DeleteAsync,
            },
            new("resync", "Re-read a device's size from the node", "<device-id>")
            {
                Flags = [new("cluster", null, true, "the argument is a cluster id: resync every device in it")],
                Run = ResyncAsync,
            },
            new("settags", "Set tags on a device", "<device-id> key:value...")
            {
                Flags = [new("exact", 'e', true, "replace all tags with these")],
                Run = i => NodeCommands.SetTagsAsync(i, "devices"),
            },
            new("rmtags", "Remove tags from a device", "<device-id> key...")
            {
                Flags = [new("all", null, true, "remove every tag")],
                Run = i => NodeCommands.RemoveTagsAsync(i, "devices"),
            },
        ],
    };

    private static async Task<int> AddAsync(Invocation i)
    {
        var request = new DeviceAddRequest { Name = i.Line.Require("name"), NodeId = i.Line.RequireId("node"), DestroyData = i.Line.Bool("destroy-existing-data") };
        await i.Api.RunAsync(HttpMethod.Post, "/devices", JsonSerializer.Serialize(request, HeketiJsonContext.Default.DeviceAddRequest), "Adding device " + request.Name, i.Ct);
        return await i.SayAsync("Device added successfully");
    }

    private static async Task<int> InfoAsync(Invocation i)
    {
        var json = await i.Api.GetAsync("/devices/" + i.Line.Id("device id"), i.Ct);
        return await i.ShowAsync(json, () => Views.Device(Invocation.Parse(json, HeketiJsonContext.Default.DeviceInfoResponse)));
    }

    private static async Task<int> DeleteAsync(Invocation i)
    {
        var id = i.Line.Id("device id");
        var body = i.Line.Bool("force-forget") ? JsonSerializer.Serialize(new DeviceDeleteRequest { ForceForget = true }, HeketiJsonContext.Default.DeviceDeleteRequest) : null;
        await i.Api.RunAsync(HttpMethod.Delete, "/devices/" + id, body, "Deleting device " + id, i.Ct);
        return await i.SayAsync($"Device {id} deleted");
    }

    private static async Task<int> ResyncAsync(Invocation i)
    {
        var id = i.Line.Id(i.Line.Bool("cluster") ? "cluster id" : "device id");
        List<string> devices = [id];
        if (i.Line.Bool("cluster"))
        {
            // As heketi-cli: every device of every node of the cluster, one after another.
            var cluster = Invocation.Parse(await i.Api.GetAsync("/clusters/" + id, i.Ct), HeketiJsonContext.Default.ClusterInfoResponse);
            devices = [];
            foreach (var node in cluster.Nodes)
            {
                devices.AddRange(Invocation.Parse(await i.Api.GetAsync("/nodes/" + node, i.Ct), HeketiJsonContext.Default.NodeInfoResponse).Devices.Select(d => d.Id));
            }
        }

        foreach (var device in devices)
        {
            await i.Api.RunAsync(HttpMethod.Get, $"/devices/{device}/resync", null, "Resyncing device " + device, i.Ct);
            await i.SayAsync($"Device {device} updated");
        }

        return ExitCodes.Ok;
    }
}
