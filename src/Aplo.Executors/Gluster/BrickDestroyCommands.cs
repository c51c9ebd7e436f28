using Aplo.Core.Execution;

namespace Aplo.Executors.Gluster;

/// <summary>The commands that remove one brick, built (and checked) together before any of them runs.</summary>
internal sealed record BrickDestroyCommands(
    string Unmount,
    string IsMounted,
    string FstabRemove,
    string LvRemove,
    string ThinCount,
    string PoolRemove,
    string RemoveMountPoint,
    string ThinPool)
{
    public static BrickDestroyCommands For(ExecutorSettings settings, BrickRequest brick) =>
        new(
            FilesystemCommands.Unmount(brick.MountPoint),
            FilesystemCommands.IsMounted(brick.MountPoint),
            FilesystemCommands.FstabRemove(settings, brick.MountPoint),
            LvmCommands.LvRemove(brick.VolumeGroup, brick.LogicalVolume),
            LvmCommands.ThinCount(brick.VolumeGroup, brick.ThinPool),
            LvmCommands.LvRemove(brick.VolumeGroup, brick.ThinPool),
            FilesystemCommands.RemoveDirectory(brick.MountPoint),
            brick.ThinPool);
}
