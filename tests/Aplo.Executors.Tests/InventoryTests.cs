using Aplo.Core.Execution;
using Aplo.Executors.Gluster;
using Aplo.Executors.Transports;

namespace Aplo.Executors.Tests;

/// <summary>What a reconcile reads from a node: every volume group, every LV, the brick mounts and Gluster's volumes.</summary>
public sealed class InventoryTests
{
    private const string Host = "10.0.0.1";

    // lvm2 2.03's "lvs --reportformat json --units k --nosuffix -o vg_name,lv_name,lv_size,pool_lv" on a node with
    // one Aplo brick (its thin pool and thin LV) and the root volume group of the OS.
    private const string Lvs = """
          {
              "report": [
                  {
                      "lv": [
                          {"vg_name":"rhel", "lv_name":"root", "lv_size":"17821696.00", "pool_lv":""},
                          {"vg_name":"rhel", "lv_name":"swap", "lv_size":"2097152.00", "pool_lv":""},
                          {"vg_name":"vg_8f3e2b1a", "lv_name":"brick_c0ffee42", "lv_size":"1048576.00", "pool_lv":"tp_c0ffee42"},
                          {"vg_name":"vg_8f3e2b1a", "lv_name":"tp_c0ffee42", "lv_size":"1052672.00", "pool_lv":""}
                      ]
                  }
              ]
          }

        """;

    private const string Vgs = """
          {
              "report": [
                  {
                      "vg": [
                          {"vg_name":"rhel", "vg_extent_size":"4096.00", "vg_extent_count":"4863", "vg_free_count":"0"},
                          {"vg_name":"vg_8f3e2b1a", "vg_extent_size":"4096.00", "vg_extent_count":"2559", "vg_free_count":"2299"}
                      ]
                  }
              ]
          }

        """;

    private const string Mounts = """
        /dev/mapper/rhel-root / xfs rw,seclabel,relatime,attr2,inode64,logbufs=8,logbsize=32k,noquota 0 0
        proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
        /dev/mapper/vg_8f3e2b1a-brick_c0ffee42 /var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42 xfs rw,noatime,nouuid,attr2,inode64,logbufs=8,logbsize=64k,sunit=512,swidth=512,noquota 0 0
        /dev/sdc1 /var/lib/heketi/mounts-other xfs rw 0 0

        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void ReportCommands_AskForEveryGroupAndLvInKiB()
    {
        Assert.Equal("lvm vgs --reportformat json --units k --nosuffix -o vg_name,vg_extent_size,vg_extent_count,vg_free_count", LvmCommands.VgReportAll());
        Assert.Equal("lvm lvs --reportformat json --units k --nosuffix -o vg_name,lv_name,lv_size,pool_lv", LvmCommands.LvReportAll());
        Assert.Equal("cat /proc/mounts", FilesystemCommands.MountTable());
    }

    [Fact]
    public void ThinPoolCreate_HasNoSpareMetadataLv()
    {
        var command = LvmCommands.ThinLvCreate(ExecutorSettings.Default, Requests.Brick());

        Assert.Contains(" --poolmetadataspare n ", command, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseVolumeGroups_EveryGroup_SizesInKiB()
    {
        var groups = LvmReports.ParseVolumeGroups(Host, Vgs);

        Assert.Equal(
            [new VolumeGroupReport("rhel", 4863L * 4096, 0), new VolumeGroupReport("vg_8f3e2b1a", 2559L * 4096, 2299L * 4096)],
            groups);
        Assert.Equal(260L * 4096, groups[1].UsedKiB);
    }

    [Fact]
    public void ParseLogicalVolumes_ThinLvNamesItsPool_OthersHaveNone()
    {
        var lvs = LvmReports.ParseLogicalVolumes(Host, Lvs);

        Assert.Equal(
            [
                new LogicalVolumeReport("rhel", "root", 17821696, null),
                new LogicalVolumeReport("rhel", "swap", 2097152, null),
                new LogicalVolumeReport("vg_8f3e2b1a", "brick_c0ffee42", 1048576, "tp_c0ffee42"),
                new LogicalVolumeReport("vg_8f3e2b1a", "tp_c0ffee42", 1052672, null),
            ],
            lvs);
    }

    [Fact]
    public void ParseLogicalVolumes_WarningFirstAndFractionalSize_AreRead()
    {
        var text = "  WARNING: Not using lvmetad because config setting use_lvmetad=0.\n"
            + """{"report":[{"lv":[{"vg_name":"vg_x","lv_name":"tp_y","lv_size":"1052672.50","pool_lv":""}]}]}""";

        Assert.Equal([new LogicalVolumeReport("vg_x", "tp_y", 1052672, null)], LvmReports.ParseLogicalVolumes(Host, text));
    }

    [Fact]
    public void ParseReports_NoRows_AreEmpty()
    {
        Assert.Empty(LvmReports.ParseLogicalVolumes(Host, """{"report":[{"lv":[]}]}"""));
        Assert.Empty(LvmReports.ParseVolumeGroups(Host, """{"report":[{"vg":[]}]}"""));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  No volume groups found\n")]
    [InlineData("{\"report\": {}}")]
    [InlineData("{\"report\":[{\"lv\":[{\"vg_name\":\"vg_x\",\"lv_name\":\"tp_y\",\"lv_size\":\"big\",\"pool_lv\":\"\"}]}]}")]
    [InlineData("{\"report\":[{\"lv\":[{\"vg_name\":\"vg_x\",\"lv_name\":\"tp_y\",\"pool_lv\":\"\"}]}]}")]
    public void ParseLogicalVolumes_Garbage_IsAnExecutorError(string text)
    {
        var ex = Assert.Throws<ExecutorException>(() => LvmReports.ParseLogicalVolumes(Host, text));

        Assert.Equal(Host, ex.Host);
    }

    [Fact]
    public void ParseVolumeGroups_MissingCount_IsAnExecutorError()
    {
        var text = """{"report":[{"vg":[{"vg_name":"vg_x","vg_extent_size":"4096.00","vg_free_count":"3"}]}]}""";

        var ex = Assert.Throws<ExecutorException>(() => LvmReports.ParseVolumeGroups(Host, text));

        Assert.Contains("vg_extent_count", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseMountPoints_OnlyThoseUnderTheRoot()
    {
        Assert.Equal(
            ["/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42"],
            FilesystemCommands.ParseMountPoints(Mounts, "/var/lib/heketi/mounts"));
    }

    [Fact]
    public void ParseMountPoints_RootWithTrailingSlash_IsTheSameRoot()
    {
        Assert.Equal(
            ["/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42"],
            FilesystemCommands.ParseMountPoints(Mounts, "/var/lib/heketi/mounts/"));
    }

    [Fact]
    public void ParseMountPoints_OctalEscapes_AreDecoded()
    {
        // The kernel writes space, tab, newline and backslash in a mount point as \040, \011, \012 and \134.
        var mounts = "/dev/a /srv/my\\040bricks/b1 xfs rw 0 0\n"
            + "/dev/b /srv/my\\040bricks/tab\\011and\\012newline xfs rw 0 0\n"
            + "/dev/c /srv/my\\040bricks/back\\134slash xfs rw 0 0\n"
            + "/dev/d /srv/other xfs rw 0 0\n";

        Assert.Equal(
            ["/srv/my bricks/b1", "/srv/my bricks/tab\tand\nnewline", "/srv/my bricks/back\\slash"],
            FilesystemCommands.ParseMountPoints(mounts, "/srv/my bricks"));
    }

    [Theory]
    [InlineData("/srv/b/x\\04", "/srv/b/x\\04")]
    [InlineData("/srv/b/x\\0a9", "/srv/b/x\\0a9")]
    [InlineData("/srv/b/x\\", "/srv/b/x\\")]
    [InlineData("/srv/b/x\\1411", "/srv/b/xa1")]
    public void ParseMountPoints_BackslashNotFollowedByThreeOctalDigits_IsKept(string field, string expected)
    {
        Assert.Equal([expected], FilesystemCommands.ParseMountPoints($"/dev/a {field} xfs rw 0 0\n", "/srv/b"));
    }

    [Fact]
    public void ParseMountPoints_TheRootItselfAndShortLines_AreSkipped()
    {
        var mounts = "/dev/a /srv/b xfs rw 0 0\nnonsense\n\n/dev/c /srv/b/c xfs rw 0 0";

        Assert.Equal(["/srv/b/c"], FilesystemCommands.ParseMountPoints(mounts, "/srv/b"));
    }

    [Fact]
    public async Task NodeInventory_RunsTheThreeReports_AndParsesThem()
    {
        var transport = new FakeTransport()
            .On("lvm vgs", CommandResult.Success(Vgs))
            .On("lvm lvs", CommandResult.Success(Lvs))
            .On("cat /proc/mounts", CommandResult.Success(Mounts));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var inventory = await executor.NodeInventoryAsync(Host, Ct);

        Assert.Equal([LvmCommands.VgReportAll(), LvmCommands.LvReportAll(), FilesystemCommands.MountTable()], transport.Commands);
        Assert.All(transport.Calls, c => Assert.Equal(Host, c.Host));
        Assert.Equal(["rhel", "vg_8f3e2b1a"], inventory.VolumeGroups.Select(g => g.Name));
        Assert.Equal(4, inventory.LogicalVolumes.Count);
        Assert.Equal(["/var/lib/heketi/mounts/vg_8f3e2b1a/brick_c0ffee42"], inventory.BrickMounts);
    }

    [Fact]
    public async Task NodeInventory_CustomMountRoot_IsUsed()
    {
        var transport = new FakeTransport()
            .On("lvm vgs", CommandResult.Success(Vgs))
            .On("lvm lvs", CommandResult.Success(Lvs))
            .On("cat /proc/mounts", CommandResult.Success("/dev/x /srv/bricks/vg_a/brick_b xfs rw 0 0\n" + Mounts));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default with { MountRoot = "/srv/bricks" });

        Assert.Equal(["/srv/bricks/vg_a/brick_b"], (await executor.NodeInventoryAsync(Host, Ct)).BrickMounts);
    }

    [Fact]
    public async Task NodeInventory_ReportFails_IsAnExecutorErrorWithTheReason()
    {
        var transport = new FakeTransport()
            .On("lvm vgs", CommandResult.Success(Vgs))
            .OnFail("lvm lvs", "  /dev/sdb: read failed after 0 of 4096 at 0: Input/output error");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.NodeInventoryAsync(Host, Ct));

        Assert.Equal(Host, ex.Host);
        Assert.Contains("Input/output error", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(transport.Commands, c => c.Contains("/proc/mounts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Volumes_LabReply_GivesNameStateAndBricks()
    {
        var transport = new FakeTransport().On("volume info", CommandResult.Success(GlusterLabSamples.VolumeInfo));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var volume = Assert.Single(await executor.VolumesAsync(Host, Ct));

        Assert.Equal("gluster --mode=script --timeout=600 volume info --xml", Assert.Single(transport.Commands));
        Assert.Equal("lab_5edfc55c", volume.Name);
        Assert.True(volume.Started);
        Assert.Equal(3, volume.Bricks.Count);
        Assert.Equal(
            "10.213.13.11:/var/lib/heketi/mounts/vg_801ff45e860d4019828af39073376bc5/brick_3f29bdf3484842efab836e13220dcdb6/brick",
            volume.Bricks[0]);
    }

    [Fact]
    public async Task Volumes_StoppedVolume_IsNotStarted()
    {
        var stopped = GlusterLabSamples.VolumeInfo
            .Replace("<status>1</status>", "<status>2</status>", StringComparison.Ordinal)
            .Replace("<statusStr>Started</statusStr>", "<statusStr>Stopped</statusStr>", StringComparison.Ordinal);
        var transport = new FakeTransport().On("volume info", CommandResult.Success(stopped));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        Assert.False(Assert.Single(await executor.VolumesAsync(Host, Ct)).Started);
    }

    [Fact]
    public async Task Volumes_NoVolumesXml_IsEmpty()
    {
        const string none = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <cliOutput><opRet>0</opRet><opErrno>0</opErrno><opErrstr/><volInfo><volumes><count>0</count></volumes></volInfo></cliOutput>
            """;
        var transport = new FakeTransport().On("volume info", CommandResult.Success(none));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        Assert.Empty(await executor.VolumesAsync(Host, Ct));
    }

    [Fact]
    public async Task Volumes_PlainNoVolumesPresent_IsEmpty()
    {
        var transport = new FakeTransport().On("volume info", CommandResult.Success("No volumes present\n"));
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        Assert.Empty(await executor.VolumesAsync(Host, Ct));
    }

    [Fact]
    public async Task Volumes_GlusterdDown_IsAnExecutorError()
    {
        var transport = new FakeTransport().OnFail("volume info", "Connection failed. Please check if gluster daemon is operational.");
        var executor = new GlusterExecutor(transport, ExecutorSettings.Default);

        var ex = await Assert.ThrowsAsync<ExecutorException>(() => executor.VolumesAsync(Host, Ct));

        Assert.Contains("gluster daemon is operational", ex.Message, StringComparison.Ordinal);
    }
}
