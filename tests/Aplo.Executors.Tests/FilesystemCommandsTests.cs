using Aplo.Executors.Gluster;
using Aplo.Executors.Transports;

namespace Aplo.Executors.Tests;

/// <summary>The fstab and mount checks are shell programs, so they are run for real against a temp fstab.</summary>
public sealed class FilesystemCommandsTests : IDisposable
{
    private const string Dev = "/dev/mapper/vg_a-brick_b";
    private const string Mp = "/var/lib/heketi/mounts/vg_a/brick_b";

    private readonly string dir = Directory.CreateTempSubdirectory("aplo-fstab-").FullName;
    private readonly LocalTransport bash = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Fstab => Path.Combine(dir, "fstab");

    private ExecutorSettings Settings => ExecutorSettings.Default with { Fstab = Fstab };

    [Fact]
    public async Task FstabAdd_Twice_AddsOneLine()
    {
        await File.WriteAllTextAsync(Fstab, "# static\nUUID=1234 / ext4 defaults 0 1\n", Ct);

        await RunAsync(FilesystemCommands.FstabAdd(Settings, Dev, Mp));
        await RunAsync(FilesystemCommands.FstabAdd(Settings, Dev, Mp));

        Assert.Equal(
            $"# static\nUUID=1234 / ext4 defaults 0 1\n{Dev} {Mp} xfs rw,inode64,noatime,nouuid 1 2\n",
            await File.ReadAllTextAsync(Fstab, Ct));
    }

    [Fact]
    public async Task FstabAdd_NoFile_CreatesIt()
    {
        await RunAsync(FilesystemCommands.FstabAdd(Settings, Dev, Mp));

        Assert.Equal($"{Dev} {Mp} xfs rw,inode64,noatime,nouuid 1 2\n", await File.ReadAllTextAsync(Fstab, Ct));
    }

    [Fact]
    public async Task FstabRemove_RemovesOnlyThatMountPoint()
    {
        var other = $"/dev/mapper/vg_a-brick_bb {Mp}b xfs rw,inode64,noatime,nouuid 1 2";
        await File.WriteAllTextAsync(Fstab, $"# keep\n{Dev} {Mp} xfs rw,inode64,noatime,nouuid 1 2\n{other}\n", Ct);

        await RunAsync(FilesystemCommands.FstabRemove(Settings, Mp));
        await RunAsync(FilesystemCommands.FstabRemove(Settings, Mp));

        Assert.Equal($"# keep\n{other}\n", await File.ReadAllTextAsync(Fstab, Ct));
        Assert.False(File.Exists(Fstab + ".aplo-tmp"));
    }

    [Fact]
    public async Task FstabRemove_NoFile_Succeeds()
    {
        await RunAsync(FilesystemCommands.FstabRemove(Settings, Mp));

        Assert.False(File.Exists(Fstab));
    }

    [Fact]
    public async Task IsMounted_ProcMounts_KnowsRootAndNotABrick()
    {
        Assert.Equal(0, (await bash.RunAsync("local", FilesystemCommands.IsMounted("/proc"), TimeSpan.FromSeconds(10), Ct)).ExitCode);
        Assert.Equal(1, (await bash.RunAsync("local", FilesystemCommands.IsMounted(Mp), TimeSpan.FromSeconds(10), Ct)).ExitCode);
    }

    [Theory]
    [InlineData("vg_a", "brick_b", "/dev/mapper/vg_a-brick_b")]
    [InlineData("vg-a", "brick-b", "/dev/mapper/vg--a-brick--b")]
    public void DevNode_Names_JoinAsDeviceMapperDoes(string vg, string lv, string expected)
    {
        Assert.Equal(expected, FilesystemCommands.DevNode(vg, lv));
    }

    [Theory]
    [InlineData(256, "256K")]
    [InlineData(4096, "4M")]
    [InlineData(131072, "128M")]
    [InlineData(3072, "3M")]
    [InlineData(1536, "1536K")]
    [InlineData(1000, "1000K")]
    public void Size_Settings_FormatLikeHeketi(long kib, string expected)
    {
        Assert.Equal(expected, LvmCommands.Size(kib));
    }

    [Fact]
    public void PvCreate_CustomSettings_UseThem()
    {
        var settings = ExecutorSettings.Default with { PvDataAlignmentKiB = 1024, PvMetadataSizeKiB = 64 * 1024, VgExtentSizeKiB = 32 * 1024 };

        Assert.Equal("lvm pvcreate -qq --metadatasize=64M --dataalignment=1M '/dev/sdc'", LvmCommands.PvCreate(settings, "/dev/sdc"));
        Assert.Equal("lvm vgcreate -qq --physicalextentsize=32M --autobackup=n 'vg_x' '/dev/sdc'", LvmCommands.VgCreate(settings, "vg_x", "/dev/sdc"));
    }

    private async Task RunAsync(string command)
    {
        var result = await bash.RunAsync("local", command, TimeSpan.FromSeconds(10), Ct);
        Assert.True(result.Ok, result.StdErr);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
