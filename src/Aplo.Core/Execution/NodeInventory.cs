namespace Aplo.Core.Execution;

/// <summary>
/// What one node holds that Aplo could have made: its LVM volume groups and logical volumes, and the file
/// systems mounted under the brick mount root. A reconcile compares it with the store.
/// </summary>
public sealed record NodeInventory(
    IReadOnlyList<VolumeGroupReport> VolumeGroups,
    IReadOnlyList<LogicalVolumeReport> LogicalVolumes,
    IReadOnlyList<string> BrickMounts);

/// <summary>A volume group as <c>vgs</c> reports it, sizes in KiB.</summary>
public sealed record VolumeGroupReport(string Name, long SizeKiB, long FreeKiB)
{
    public long UsedKiB => SizeKiB - FreeKiB;
}

/// <summary>A visible logical volume as <c>lvs</c> reports it; <see cref="Pool"/> is the thin pool of a thin LV.</summary>
public sealed record LogicalVolumeReport(string VolumeGroup, string Name, long SizeKiB, string? Pool);

/// <summary>A Gluster volume as <c>gluster volume info</c> reports it; bricks as <c>host:path</c>.</summary>
public sealed record GlusterVolumeReport(string Name, bool Started, IReadOnlyList<string> Bricks);

/// <summary>
/// One brick of <c>gluster volume heal &lt;v&gt; info</c>: its <c>host:path</c>, whether it answered
/// (<see cref="Status"/> is <c>Connected</c>) and how many entries wait to be healed from it. A null
/// <see cref="NumberOfEntries"/> is Gluster's <c>-</c>: the brick could not be asked.
/// </summary>
public sealed record GlusterHealBrick(string HostUuid, string Name, string Status, long? NumberOfEntries)
{
    public bool Connected => Status == "Connected";
}
