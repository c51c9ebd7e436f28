using System.Globalization;

namespace Aplo.Executors.Gluster;

/// <summary>XFS, mount, fstab and directory command lines for bricks (reference §5.3–5.4). Pure string builders.</summary>
public static class FilesystemCommands
{
    // awk's exit status says whether a line's second field (the mount point) equals mp.
    private const string HasMountPoint = "'$2 == mp { found = 1 } END { exit !found }'";

    /// <summary>The device-mapper node of an LV; LVM doubles hyphens inside names when it joins them.</summary>
    public static string DevNode(string volumeGroup, string logicalVolume) =>
        "/dev/mapper/" + CommandArgs.LvmName(volumeGroup).Replace("-", "--", StringComparison.Ordinal)
        + "-" + CommandArgs.LvmName(logicalVolume).Replace("-", "--", StringComparison.Ordinal);

    public static string MakeDirectories(string path) => $"mkdir -p {Q(CommandArgs.Path(path))}";

    public static string MakeDirectory(string path) => $"mkdir {Q(CommandArgs.Path(path))}";

    public static string RemoveDirectory(string path) => $"rmdir {Q(CommandArgs.Path(path))}";

    /// <summary>XFS with 512-byte inodes for Gluster's xattrs; arbiter bricks may fill with inodes (maxpct=100).</summary>
    public static string MakeXfs(ExecutorSettings settings, string devNode, bool arbiter)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // One -i with both values: xfsprogs 6 refuses a second -i and prints its usage instead.
        var options = arbiter ? "-i size=512,maxpct=100 -n size=8192" : "-i size=512 -n size=8192";
        if (!arbiter && settings.XfsStripeUnitKiB is { } su && settings.XfsStripeWidth is { } sw)
        {
            options += string.Create(CultureInfo.InvariantCulture, $" -d su={su}k,sw={sw}");
        }

        return $"mkfs.xfs {options} {Q(CommandArgs.Path(devNode, "device node"))}";
    }

    /// <summary>The brick's fstab line, so it mounts again at boot.</summary>
    public static string FstabLine(ExecutorSettings settings, string devNode, string mountPoint)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return $"{CommandArgs.Path(devNode, "device node")} {CommandArgs.Path(mountPoint)} xfs {CommandArgs.MountOptions(settings.MountOptions)} 1 2";
    }

    /// <summary>Appends the brick's fstab line unless a line for that mount point is already there (a retry).</summary>
    public static string FstabAdd(ExecutorSettings settings, string devNode, string mountPoint)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var fstab = Q(CommandArgs.Path(settings.Fstab, "fstab"));
        return $"awk -v mp={Q(CommandArgs.Path(mountPoint))} {HasMountPoint} {fstab}"
            + $" || printf '%s\\n' {Q(FstabLine(settings, devNode, mountPoint))} >> {fstab}";
    }

    /// <summary>Removes the line for the mount point, keeping every other line (and the file's inode) as is.</summary>
    public static string FstabRemove(ExecutorSettings settings, string mountPoint)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var path = CommandArgs.Path(settings.Fstab, "fstab");
        var fstab = Q(path);
        var temp = Q(path + ".aplo-tmp");
        var mp = Q(CommandArgs.Path(mountPoint));
        return $"if awk -v mp={mp} {HasMountPoint} {fstab}; then"
            + $" awk -v mp={mp} '$2 != mp' {fstab} > {temp} && cat {temp} > {fstab} && rm -f {temp}; fi";
    }

    public static string Mount(ExecutorSettings settings, string devNode, string mountPoint)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return $"mount -o {Q(CommandArgs.MountOptions(settings.MountOptions))} {Q(CommandArgs.Path(devNode, "device node"))} {Q(CommandArgs.Path(mountPoint))}";
    }

    /// <summary>Exit 0 when something is mounted at the path, 1 when not.</summary>
    public static string IsMounted(string mountPoint) =>
        $"awk -v mp={Q(CommandArgs.Path(mountPoint))} {HasMountPoint} /proc/mounts";

    private static readonly System.Buffers.SearchValues<char> OctalDigits = System.Buffers.SearchValues.Create("01234567");

    /// <summary>The kernel's mount table; <see cref="ParseMountPoints"/> reads it.</summary>
    public static string MountTable() => "cat /proc/mounts";

    /// <summary>
    /// The mount points under <paramref name="root"/> in a <c>/proc/mounts</c> text. The kernel writes a space,
    /// tab, newline or backslash in a path as a three-digit octal escape.
    /// </summary>
    public static IReadOnlyList<string> ParseMountPoints(string mounts, string root)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        ArgumentNullException.ThrowIfNull(root);
        var prefix = root.TrimEnd('/') + "/";
        var points = new List<string>();
        foreach (var line in mounts.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            if (fields.Length < 2)
            {
                continue;
            }

            var point = Unescape(fields[1]);
            if (point.StartsWith(prefix, StringComparison.Ordinal))
            {
                points.Add(point);
            }
        }

        return points;
    }

    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new System.Text.StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }

    private static bool IsOctal(string s, int start) =>
        start + 3 <= s.Length && s.AsSpan(start, 3).IndexOfAnyExcept(OctalDigits) < 0;

    public static string Unmount(string mountPoint) => $"umount {Q(CommandArgs.Path(mountPoint))}";

    public static string ChangeGroup(string path, long gid) =>
        string.Create(CultureInfo.InvariantCulture, $"chown :{CommandArgs.Gid(gid)} {Q(CommandArgs.Path(path))}");

    /// <summary>Group-writable with setgid, so files made in the brick keep the volume's group.</summary>
    public static string GroupWritable(string path) => $"chmod 2775 {Q(CommandArgs.Path(path))}";

    private static string Q(string value) => ShellQuote.Quote(value);
}
