using System.Text.RegularExpressions;
using Aplo.Core.Validation;

namespace Aplo.Executors.Gluster;

/// <summary>
/// Strict checks on every value before it is put in a command. Quoting already stops shell injection; these
/// stop values that are valid shell words but wrong arguments (a leading <c>-</c>, <c>..</c> in a path, a
/// volume group name LVM would read as an option). The API validates the same values; this is the second wall.
/// </summary>
public static partial class CommandArgs
{
    public static string Host(string value) =>
        Rules.IsHostname(value) ? value : throw Bad("host", value);

    /// <summary>Aplo and Heketi ids: letters and digits only (Heketi's are 32 hex characters).</summary>
    public static string Id(string value, string what) =>
        value is { Length: > 0 and <= 64 } && IdPattern().IsMatch(value) ? value : throw Bad(what, value);

    /// <summary>An LVM volume group or logical volume name: no leading <c>-</c>, nothing LVM treats specially.</summary>
    public static string LvmName(string value) =>
        value is { Length: > 0 and <= 127 } && LvmNamePattern().IsMatch(value) ? value : throw Bad("LVM name", value);

    /// <summary>A block device: absolute, the API's character set, no <c>..</c> segment.</summary>
    public static string Device(string value) => Path(value, "device");

    /// <summary>An absolute path of plain characters with no <c>.</c> or <c>..</c> segment.</summary>
    public static string Path(string value, string what = "path")
    {
        if (value is not { Length: > 1 and <= 4096 } || !PathPattern().IsMatch(value) || value.EndsWith('/'))
        {
            throw Bad(what, value);
        }

        if (value.Split('/').Skip(1).Any(segment => segment is "" or "." or ".."))
        {
            throw Bad(what, value);
        }

        return value;
    }

    public static string VolumeName(string value) =>
        value is { Length: > 0 and <= 128 } && VolumeNamePattern().IsMatch(value) ? value : throw Bad("volume name", value);

    public static string OptionKey(string value) =>
        value is not null && OptionKeyPattern().IsMatch(value) ? value : throw Bad("volume option", value);

    /// <summary>Option values are free text (quoted); control characters would break the one-line command.</summary>
    public static string OptionValue(string value) =>
        value is { Length: > 0 and <= 1024 } && !value.Any(char.IsControl) ? value : throw Bad("volume option value", value);

    /// <summary>Mount options such as <c>rw,inode64,noatime,nouuid</c>.</summary>
    public static string MountOptions(string value) =>
        value is { Length: > 0 and <= 512 } && MountOptionsPattern().IsMatch(value) ? value : throw Bad("mount options", value);

    public static long Positive(long value, string what) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(what, value, $"{what} must be positive");

    public static long Gid(long value) =>
        value is >= 0 and <= uint.MaxValue ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "gid must be 0..4294967295");

    private static ArgumentException Bad(string what, string? value) =>
        new($"refusing to put {what} '{value}' in a command: it does not match the allowed pattern");

    [GeneratedRegex("^[A-Za-z0-9]+$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")]
    private static partial Regex LvmNamePattern();

    [GeneratedRegex("^/[A-Za-z0-9_.:/+-]+$")]
    private static partial Regex PathPattern();

    // No leading '-': the CLI would read the name as an option.
    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_-]*$")]
    private static partial Regex VolumeNamePattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex OptionKeyPattern();

    [GeneratedRegex("^[A-Za-z0-9_=.:-]+(,[A-Za-z0-9_=.:-]+)*$")]
    private static partial Regex MountOptionsPattern();
}
