using Aplo.Core.Execution;
using Aplo.Executors.Gluster;
using Aplo.Executors.Transports;

namespace Aplo.Executors.Tests;

public sealed class DeviceTests
{
    private const string Host = "node1.example.com";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeviceSetup_FreshDevice_RunsHeketiCommandsAndReportsVolumeGroupSpace()
    {
        var transport = new FakeTransport().WithLvmReports(Requests.VolumeGroup, "/dev/sdb", freeExtents: 2000)
            .On("udevadm", CommandResult.Success("disk/by-id/wwn-0x5000c500a1b2c3d4 disk/by-path/pci-0000:00:10.0-scsi-0:0:1:0\n"));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var space = await executor.DeviceSetupAsync(Host, Requests.Device(), Ct);

        Assert.Equal(
            [
                "lvm pvcreate -qq --metadatasize=128M --dataalignment=256K '/dev/sdb'",
                "lvm vgcreate -qq --physicalextentsize=4M --autobackup=n 'vg_8f3e2b1a' '/dev/sdb'",
                "lvm pvs -o pv_name,pv_uuid,vg_name --reportformat json '/dev/sdb'",
                "udevadm info --query=symlink --name='/dev/sdb'",
                "lvm vgs --reportformat json --units k --nosuffix -o vg_name,vg_extent_size,vg_extent_count,vg_free_count 'vg_8f3e2b1a'",
            ],
            transport.Commands);
        Assert.All(transport.Calls, c => Assert.Equal(Host, c.Host));
        Assert.Equal(2559L * 4096, space.TotalKiB);
        Assert.Equal(2000L * 4096, space.FreeKiB);
        Assert.Equal(559L * 4096, space.UsedKiB);
        Assert.Equal(4096, space.ExtentKiB);
        Assert.Equal("Wb3x1e-2Tq9-QqfS-0mQe-7ZJk-Hc1d-yUe0nP", space.PvUuid);
        Assert.Equal(
            ["/dev/sdb", "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4", "/dev/disk/by-path/pci-0000:00:10.0-scsi-0:0:1:0"],
            space.Paths);
    }

    [Fact]
    public async Task DeviceSetup_DestroyData_WipesFirst()
    {
        var transport = new FakeTransport().WithLvmReports(Requests.VolumeGroup, "/dev/sdb");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.DeviceSetupAsync(Host, Requests.Device(destroyData: true), Ct);

        Assert.Equal("wipefs --all '/dev/sdb'", transport.Commands[0]);
        Assert.StartsWith("lvm pvcreate", transport.Commands[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeviceSetup_NoUdev_ReportsTheDeviceNameOnly()
    {
        var transport = new FakeTransport().WithLvmReports(Requests.VolumeGroup, "/dev/sdb")
            .OnFail("udevadm", "bash: line 1: udevadm: command not found", 127);
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var space = await executor.DeviceSetupAsync(Host, Requests.Device(), Ct);

        Assert.Equal(["/dev/sdb"], space.Paths);
    }

    [Fact]
    public async Task DeviceSetup_DeviceAlreadyAPhysicalVolume_ThrowsWithLvmMessageAndTouchesNothingElse()
    {
        var transport = new FakeTransport()
            .OnFail("pvcreate", "  Can't initialize physical volume \"/dev/sdb\" of volume group \"vg_other\" without -ff\n  /dev/sdb: physical volume not initialized.", 5);
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.DeviceSetupAsync(Host, Requests.Device(), Ct));

        Assert.Equal(Host, ex.Host);
        Assert.Contains("vg_other", ex.Message, StringComparison.Ordinal);
        Assert.Contains("exit 5", ex.Message, StringComparison.Ordinal);
        Assert.Single(transport.Commands);
    }

    [Fact]
    public async Task DeviceSetup_VolumeGroupCreateFails_RemovesThePhysicalVolumeItMade()
    {
        var transport = new FakeTransport().OnFail("vgcreate", "  A volume group called vg_8f3e2b1a already exists.", 5);
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.DeviceSetupAsync(Host, Requests.Device(), Ct));

        Assert.Contains("already exists", ex.Message, StringComparison.Ordinal);
        Assert.Equal("lvm pvremove -qq '/dev/sdb'", transport.Commands[^1]);
        Assert.DoesNotContain(transport.Commands, c => c.Contains("vgremove", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeviceSetup_ReportUnreadable_RemovesVolumeGroupAndPhysicalVolume()
    {
        var transport = new FakeTransport().WithLvmReports(Requests.VolumeGroup, "/dev/sdb")
            .On("lvm vgs", CommandResult.Success("not json"));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await Assert.ThrowsAsync<ExecutorException>(() => executor.DeviceSetupAsync(Host, Requests.Device(), Ct));

        Assert.Equal(["lvm vgremove -qq 'vg_8f3e2b1a'", "lvm pvremove -qq '/dev/sdb'"], transport.Commands.TakeLast(2));
    }

    [Fact]
    public async Task DeviceTeardown_Normal_RemovesVolumeGroupPhysicalVolumeAndMountRoot()
    {
        var transport = new FakeTransport();
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.DeviceTeardownAsync(Host, Requests.Device(), Ct);

        Assert.Equal(
            [
                "lvm vgremove -qq 'vg_8f3e2b1a'",
                "lvm pvremove -qq '/dev/sdb'",
                "rmdir '/var/lib/heketi/mounts/vg_8f3e2b1a'",
            ],
            transport.Commands);
    }

    [Fact]
    public async Task DeviceTeardown_AlreadyGone_Succeeds()
    {
        var transport = new FakeTransport()
            .OnFail("vgremove", "  Volume group \"vg_8f3e2b1a\" not found\n  Cannot process volume group vg_8f3e2b1a", 5)
            .OnFail("pvremove", "  No PV found on device /dev/sdb.", 5)
            .OnFail("rmdir", "rmdir: failed to remove '/var/lib/heketi/mounts/vg_8f3e2b1a': No such file or directory");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        await executor.DeviceTeardownAsync(Host, Requests.Device(), Ct);

        Assert.Equal(3, transport.Commands.Count);
    }

    [Fact]
    public async Task DeviceTeardown_VolumeGroupStillHasBricks_Throws()
    {
        var transport = new FakeTransport()
            .OnFail("vgremove", "  Logical volume vg_8f3e2b1a/tp_c0ffee42 in use.", 5);
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.DeviceTeardownAsync(Host, Requests.Device(), Ct));

        Assert.Contains("in use", ex.Message, StringComparison.Ordinal);
        Assert.Single(transport.Commands);
    }

    [Fact]
    public async Task DeviceInfo_ReadsReportsOnly()
    {
        var transport = new FakeTransport().WithLvmReports(Requests.VolumeGroup, "/dev/sdb", freeExtents: 10);
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var space = await executor.DeviceInfoAsync(Host, Requests.Device(), Ct);

        Assert.Equal(10L * 4096, space.FreeKiB);
        Assert.DoesNotContain(transport.Commands, c => c.Contains("create", StringComparison.Ordinal));
    }
}
