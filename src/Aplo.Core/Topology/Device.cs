namespace Aplo.Core.Topology;

/// <summary>A block device on a node, set up as one LVM volume group <c>vg_&lt;id&gt;</c>.</summary>
public sealed record Device(
    string Id,
    string NodeId,
    string Name,
    IReadOnlyDictionary<string, string> Tags,
    long TotalKiB,
    long FreeKiB,
    long UsedKiB,
    long ExtentKiB,
    string? PvUuid,
    IReadOnlyList<string> Paths,
    EntityState State,
    string? PendingOperationId = null)
{
    public string VolumeGroup => "vg_" + Id;
}
