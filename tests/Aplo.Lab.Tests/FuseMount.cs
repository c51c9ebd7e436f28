using System.Globalization;
using Aplo.Contracts;

namespace Aplo.Lab.Tests;

/// <summary>A volume mounted on this host with the FUSE client, as a pod's node would mount it.</summary>
public sealed class FuseMount : IAsyncDisposable
{
    private FuseMount(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public static async Task<FuseMount> MountAsync(LabEnvironment lab, VolumeInfoResponse volume, CancellationToken ct)
    {
        var mount = volume.Mount.GlusterFS;
        var path = System.IO.Path.Combine(lab.State, "mnt", "test-" + volume.Name);
        Directory.CreateDirectory(path);
        var log = System.IO.Path.Combine(lab.State, "logs", $"fuse-{volume.Name}.log");
        var (code, output) = await LabEnvironment.LocalAsync(
            "mount",
            // Heketi's JSON lists backup servers with commas; mount.glusterfs wants them separated by colons.
            ["-t", "glusterfs", "-o", $"log-file={log},backup-volfile-servers={mount.Options["backup-volfile-servers"].Replace(',', ':')}", mount.Device, path],
            ct);
        if (code != 0)
        {
            throw new InvalidOperationException($"mount -t glusterfs {mount.Device} failed ({code}): {output}");
        }

        return new FuseMount(path);
    }

    public Task WriteAsync(string name, string text, CancellationToken ct) => File.WriteAllTextAsync(System.IO.Path.Combine(Path, name), text, ct);

    public Task<string> ReadAsync(string name, CancellationToken ct) => File.ReadAllTextAsync(System.IO.Path.Combine(Path, name), ct);

    /// <summary>The mount's size as df reports it, in KiB.</summary>
    public async Task<long> SizeKiBAsync(CancellationToken ct)
    {
        var (code, output) = await LabEnvironment.LocalAsync("df", ["-k", "--output=size", Path], ct);
        if (code != 0)
        {
            throw new InvalidOperationException($"df {Path} failed: {output}");
        }

        return long.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(Path))
        {
            await LabEnvironment.LocalAsync("umount", [Path], CancellationToken.None);
            try
            {
                Directory.Delete(Path);
            }
            catch (IOException)
            {
                await LabEnvironment.LocalAsync("umount", ["-l", Path], CancellationToken.None);
            }
        }
    }
}
