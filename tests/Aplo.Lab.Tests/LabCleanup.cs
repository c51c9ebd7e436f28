using Aplo.Client;

namespace Aplo.Lab.Tests;

/// <summary>Puts a lab cluster back, through the API, to the state the lab tests start from.</summary>
internal static class LabCleanup
{
    /// <summary>
    /// Deletes every volume, then node 1's second disk if a test added it: offline, failed, then deleted, the way an
    /// operator takes a device out.
    /// </summary>
    public static async Task ResetAsync(HeketiClient admin, LabNode node1, string node1Id, CancellationToken ct)
    {
        foreach (var id in (await admin.VolumeListAsync(ct)).Volumes)
        {
            await admin.VolumeDeleteAsync(id, ct);
        }

        foreach (var device in (await admin.NodeInfoAsync(node1Id, ct)).Devices.Where(d => d.Name == node1.Devices[1]))
        {
            await admin.DeviceStateAsync(device.Id, "offline", ct);
            await admin.DeviceStateAsync(device.Id, "failed", ct);
            await admin.DeviceDeleteAsync(device.Id, ct);
        }
    }
}
