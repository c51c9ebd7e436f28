using System.Globalization;
using Aplo.Core.Execution;
using Aplo.Core.Topology;

namespace Aplo.Executors.Gluster;

/// <summary>
/// LVM command lines (reference §5.2–5.4), through the <c>lvm</c> front end as Heketi runs them. Pure: the same
/// input gives the same string, which the tests pin down.
/// </summary>
public static class LvmCommands
{
    /// <summary>Arbiter bricks hold metadata only; Heketi gives their pools a fixed small chunk.</summary>
    public const long ArbiterChunkSizeKiB = 256;

    private const string ReportVg = "vg_name,vg_extent_size,vg_extent_count,vg_free_count";

    public static string WipeFs(string device) => $"wipefs --all {Q(CommandArgs.Device(device))}";

    public static string PvCreate(ExecutorSettings settings, string device)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return $"lvm pvcreate -qq --metadatasize={Size(settings.PvMetadataSizeKiB)} --dataalignment={Size(settings.PvDataAlignmentKiB)} "
            + Q(CommandArgs.Device(device));
    }

    public static string VgCreate(ExecutorSettings settings, string volumeGroup, string device)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return $"lvm vgcreate -qq --physicalextentsize={Size(settings.VgExtentSizeKiB)} --autobackup=n "
            + $"{Q(CommandArgs.LvmName(volumeGroup))} {Q(CommandArgs.Device(device))}";
    }

    /// <summary>The PV's UUID and VG, as JSON (see <see cref="LvmReports.ParsePvUuid"/>).</summary>
    public static string PvReport(string device) =>
        $"lvm pvs -o pv_name,pv_uuid,vg_name --reportformat json {Q(CommandArgs.Device(device))}";

    /// <summary>Extent size (KiB) and extent counts: exact integers, unlike the rounded <c>vg_size</c>.</summary>
    public static string VgReport(string volumeGroup) =>
        $"lvm vgs --reportformat json --units k --nosuffix -o {ReportVg} {Q(CommandArgs.LvmName(volumeGroup))}";

    /// <summary>Every volume group on the node, for a reconcile.</summary>
    public static string VgReportAll() => $"lvm vgs --reportformat json --units k --nosuffix -o {ReportVg}";

    /// <summary>Every visible logical volume on the node (thin pools' hidden data and metadata LVs are left out).</summary>
    public static string LvReportAll() => "lvm lvs --reportformat json --units k --nosuffix -o vg_name,lv_name,lv_size,pool_lv";

    /// <summary>The device's other names (<c>/dev/disk/by-id/...</c>); needs udev, so failure is tolerated.</summary>
    public static string DeviceSymlinks(string device) =>
        $"udevadm info --query=symlink --name={Q(CommandArgs.Device(device))}";

    public static string VgRemove(string volumeGroup) => $"lvm vgremove -qq {Q(CommandArgs.LvmName(volumeGroup))}";

    public static string PvRemove(string device) => $"lvm pvremove -qq {Q(CommandArgs.Device(device))}";

    /// <summary>One thin pool per brick with one thin LV in it, as Heketi does (snapshots later share the pool).</summary>
    public static string ThinLvCreate(ExecutorSettings settings, BrickRequest brick)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(brick);
        var chunk = brick.Role == BrickRole.Arbiter ? ArbiterChunkSizeKiB : settings.LvChunkSizeKiB;
        // No spare metadata LV: LVM would size it to the largest pool's metadata and take it from the volume group
        // without Aplo knowing, so the store's accounting would never match vgs (see docs/adr/0007).
        return "lvm lvcreate -qq --autobackup=n --poolmetadataspare n"
            + $" --poolmetadatasize {K(brick.PoolMetadataKiB)} --chunksize {K(chunk)}"
            + $" --size {K(brick.ThinPoolKiB)} --thin {Q(Lv(brick.VolumeGroup, brick.ThinPool))}"
            + $" --virtualsize {K(brick.SizeKiB)} --name {Q(CommandArgs.LvmName(brick.LogicalVolume))}";
    }

    public static string LvRemove(string volumeGroup, string logicalVolume) =>
        $"lvm lvremove -qq --autobackup=n -f {Q(Lv(volumeGroup, logicalVolume))}";

    /// <summary>How many thin LVs a pool still holds (clones and snapshots share the brick's pool).</summary>
    public static string ThinCount(string volumeGroup, string thinPool) =>
        $"lvm lvs --noheadings --options=thin_count {Q(Lv(volumeGroup, thinPool))}";

    /// <summary>LVM sizes: whole MiB as <c>M</c> (Heketi's "128M", "4M"), else KiB.</summary>
    public static string Size(long kib) =>
        CommandArgs.Positive(kib, "size") % 1024 == 0
            ? (kib / 1024).ToString(CultureInfo.InvariantCulture) + "M"
            : kib.ToString(CultureInfo.InvariantCulture) + "K";

    private static string K(long kib) => CommandArgs.Positive(kib, "size").ToString(CultureInfo.InvariantCulture) + "K";

    private static string Lv(string volumeGroup, string logicalVolume) =>
        CommandArgs.LvmName(volumeGroup) + "/" + CommandArgs.LvmName(logicalVolume);

    private static string Q(string value) => ShellQuote.Quote(value);
}
