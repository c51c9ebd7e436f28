using Aplo.Core.Execution;
using Aplo.Core.Topology;
using Aplo.Executors.Gluster;
using Aplo.Executors.Transports;

namespace Aplo.Executors.Tests;

public sealed class BrickTests
{
    private const string Host = "10.0.0.1";

    private const string FstabAdd =
        "awk -v mp='/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42' '$2 == mp { found = 1 } END { exit !found }' '/etc/fstab'"
        + " || printf '%s\\n' '/dev/mapper/vg_8f3e2b1a-brick_c0ffee42 /var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42 xfs rw,inode64,noatime,nouuid 1 2' >> '/etc/fstab'";

    private const string FstabRemove =
        "if awk -v mp='/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42' '$2 == mp { found = 1 } END { exit !found }' '/etc/fstab'; then"
        + " awk -v mp='/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42' '$2 != mp' '/etc/fstab' > '/etc/fstab.aplo-tmp'"
        + " && cat '/etc/fstab.aplo-tmp' > '/etc/fstab' && rm -f '/etc/fstab.aplo-tmp'; fi";

    private static readonly string[] Destroy =
    [
        "umount '/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42'",
        FstabRemove,
        "lvm lvremove -qq --autobackup=n -f 'vg_8f3e2b1a/brick_c0ffee42'",
        "lvm lvs --noheadings --options=thin_count 'vg_8f3e2b1a/tp_c0ffee42'",
        "lvm lvremove -qq --autobackup=n -f 'vg_8f3e2b1a/tp_c0ffee42'",
        "rmdir '/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42'",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BrickCreate_DataBrick_MakesPoolLvXfsFstabMountAndBrickDirectory()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.BrickCreateAsync(Host, Requests.Brick(), Ct);

        Assert.Equal(
            [
                "mkdir -p '/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42'",
                "lvm lvcreate -qq --autobackup=n --poolmetadataspare n --poolmetadatasize 8192K --chunksize 256K --size 1048576K"
                    + " --thin 'vg_8f3e2b1a/tp_c0ffee42' --virtualsize 1048576K --name 'brick_c0ffee42'",
                "mkfs.xfs -i size=512 -n size=8192 '/dev/mapper/vg_8f3e2b1a-brick_c0ffee42'",
                FstabAdd,
                "mount -o 'rw,inode64,noatime,nouuid' '/dev/mapper/vg_8f3e2b1a-brick_c0ffee42' '/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42'",
                "mkdir '/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42/brick'",
            ],
            transport.Commands);
    }

    [Fact]
    public async Task BrickCreate_Arbiter_UsesFixedChunkAndInodeHeavyXfs()
    {
        var transport = new FakeTransport();
        var settings = ExecutorSettings.Default with { LvChunkSizeKiB = 1024, XfsStripeUnitKiB = 128, XfsStripeWidth = 10 };
        var executor = new GlusterExecutor(transport, settings);

        await executor.BrickCreateAsync(Host, Requests.Brick(role: BrickRole.Arbiter), Ct);

        Assert.Contains("--chunksize 256K", transport.Commands[1], StringComparison.Ordinal);
        Assert.Equal("mkfs.xfs -i size=512,maxpct=100 -n size=8192 '/dev/mapper/vg_8f3e2b1a-brick_c0ffee42'", transport.Commands[2]);
    }

    [Fact]
    public async Task BrickCreate_DataBrickWithSettings_UsesChunkAndStripe()
    {
        var transport = new FakeTransport();
        var settings = ExecutorSettings.Default with { LvChunkSizeKiB = 1024, XfsStripeUnitKiB = 128, XfsStripeWidth = 10, Fstab = "/etc/fstab.d/heketi" };
        var executor = new GlusterExecutor(transport, settings);

        await executor.BrickCreateAsync(Host, Requests.Brick(), Ct);

        Assert.Contains("--chunksize 1024K", transport.Commands[1], StringComparison.Ordinal);
        Assert.Equal("mkfs.xfs -i size=512 -n size=8192 -d su=128k,sw=10 '/dev/mapper/vg_8f3e2b1a-brick_c0ffee42'", transport.Commands[2]);
        Assert.EndsWith(">> '/etc/fstab.d/heketi'", transport.Commands[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrickCreate_WithGid_ChownsAndSetsSetgidMode()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.BrickCreateAsync(Host, Requests.Brick(gid: 2001), Ct);

        Assert.Equal(
            [
                "chown :2001 '/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42/brick'",
                "chmod 2775 '/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42/brick'",
            ],
            transport.Commands.TakeLast(2));
    }

    [Fact]
    public async Task BrickCreate_MkfsFails_RemovesWhatItMadeAndThrowsMkfsError()
    {
        var transport = new FakeTransport().WithLvmReports(Requests.VolumeGroup, "/dev/sdb")
            .OnFail("mkfs.xfs", "mkfs.xfs: cannot open /dev/mapper/vg_8f3e2b1a-brick_c0ffee42: Device or resource busy")
            .OnFail("umount", "umount: /var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42: not mounted.", 32)
            .On("/proc/mounts", CommandResult.Failure(1, string.Empty));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.BrickCreateAsync(Host, Requests.Brick(), Ct));

        Assert.Equal(Host, ex.Host);
        Assert.Contains("Device or resource busy", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("10.0.0.1: mkfs.xfs", ex.Message, StringComparison.Ordinal);
        var commands = transport.Commands;
        Assert.Equal(3, commands.ToList().FindIndex(c => c.StartsWith("umount", StringComparison.Ordinal)));
        Assert.Contains("lvm lvremove -qq --autobackup=n -f 'vg_8f3e2b1a/tp_c0ffee42'", commands);
        Assert.Equal("rmdir '/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42'", commands[^1]);
    }

    [Fact]
    public async Task BrickCreate_CleanupAlsoFails_ThrowsTheOriginalError()
    {
        var transport = new FakeTransport()
            .OnFail("mount -o", "mount: /var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42: wrong fs type", 32)
            .OnFail("lvremove", "  Logical volume vg_8f3e2b1a/brick_c0ffee42 contains a filesystem in use.", 5)
            .OnFail("umount", "umount: not mounted.", 32)
            .On("/proc/mounts", CommandResult.Failure(1, string.Empty));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.BrickCreateAsync(Host, Requests.Brick(), Ct));

        Assert.Contains("wrong fs type", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrickDestroy_Mounted_UnmountsRemovesFstabLineLvPoolAndDirectory()
    {
        var transport = new FakeTransport().On("thin_count", CommandResult.Success("    0\n"));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var reclaimed = await executor.BrickDestroyAsync(Host, Requests.Brick(), Ct);

        Assert.True(reclaimed);
        Assert.Equal(Destroy, transport.Commands);
    }

    [Fact]
    public async Task BrickDestroy_AlreadyGone_SucceedsAndReportsSpaceReclaimed()
    {
        var transport = new FakeTransport()
            .OnFail("umount", "umount: /var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42: no mount point specified.", 32)
            .On("/proc/mounts", CommandResult.Failure(1, string.Empty))
            .OnFail("lvremove", "  Failed to find logical volume \"vg_8f3e2b1a/brick_c0ffee42\"", 5)
            .OnFail("thin_count", "  Failed to find logical volume \"vg_8f3e2b1a/tp_c0ffee42\"", 5)
            .OnFail("rmdir", "rmdir: failed to remove '/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42': No such file or directory");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var reclaimed = await executor.BrickDestroyAsync(Host, Requests.Brick(), Ct);

        Assert.True(reclaimed);
        Assert.DoesNotContain("lvm lvremove -qq --autobackup=n -f 'vg_8f3e2b1a/tp_c0ffee42'", transport.Commands);
    }

    [Fact]
    public async Task BrickDestroy_VolumeGroupGone_Succeeds()
    {
        var transport = new FakeTransport()
            .OnFail("lvremove", "  Volume group \"vg_8f3e2b1a\" not found\n  Cannot process volume group vg_8f3e2b1a", 5)
            .OnFail("thin_count", "  Volume group \"vg_8f3e2b1a\" not found", 5);
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        Assert.True(await executor.BrickDestroyAsync(Host, Requests.Brick(), Ct));
    }

    [Fact]
    public async Task BrickDestroy_StillMountedAndBusy_ThrowsWithUmountError()
    {
        var transport = new FakeTransport()
            .OnFail("umount", "umount: /var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42: target is busy.", 32)
            .On("/proc/mounts", CommandResult.Success());
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.BrickDestroyAsync(Host, Requests.Brick(), Ct));

        Assert.Contains("target is busy", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(transport.Commands, c => c.Contains("lvremove", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BrickDestroy_PoolHoldsSnapshots_KeepsPoolAndReportsNoSpaceReclaimed()
    {
        var transport = new FakeTransport().On("thin_count", CommandResult.Success("    2\n"));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var reclaimed = await executor.BrickDestroyAsync(Host, Requests.Brick(), Ct);

        Assert.False(reclaimed);
        Assert.DoesNotContain("lvm lvremove -qq --autobackup=n -f 'vg_8f3e2b1a/tp_c0ffee42'", transport.Commands);
    }
}
