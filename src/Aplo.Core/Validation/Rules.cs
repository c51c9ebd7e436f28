using System.Net;
using System.Text.RegularExpressions;
using Aplo.Core.Errors;

namespace Aplo.Core.Validation;

/// <summary>
/// Strict patterns for every value that can reach a command on a node. A value that fails gets a 400 with
/// the field named; nothing is stored and no command runs.
/// </summary>
public static partial class Rules
{
    public const int MaxTags = 32;
    public const long MaxVolumeSizeGiB = 1L << 22;

    /// <summary>Ids are 32 lowercase hex characters; routes accept either case, as Heketi's do.</summary>
    public static bool IsId(string? value) => value is { Length: > 0 and <= 64 } && IdPattern().IsMatch(value);

    public static void Hostname(string field, string? value)
    {
        if (!IsHostname(value))
        {
            throw AploException.Invalid($"{field}: '{value}' is not a valid hostname or IP address");
        }
    }

    public static bool IsHostname(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 253)
        {
            return false;
        }

        if (IPAddress.TryParse(value, out var ip))
        {
            // TryParse accepts shorthand like "1" or "1.2"; a storage address must be written in full.
            return ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || value.Count(c => c == '.') == 3;
        }

        return HostnamePattern().IsMatch(value);
    }

    public static void DeviceName(string? value)
    {
        if (value is null || value.Length is 0 or > 255 || !DevicePattern().IsMatch(value) || value.Contains("/../", StringComparison.Ordinal))
        {
            throw AploException.Invalid($"name: '{value}' is not a valid device path (must match ^/[a-zA-Z0-9_.:/-]+$)");
        }
    }

    public static void VolumeName(string? value)
    {
        if (value is null || value.Length is 0 or > 128 || !VolumeNamePattern().IsMatch(value))
        {
            throw AploException.Invalid($"name: '{value}' is not a valid volume name (1-128 of a-z A-Z 0-9 _ -)");
        }
    }

    /// <summary>A Gluster option is "key value"; the key is a dotted name and the value one printable token list.</summary>
    public static KeyValuePair<string, string>? VolumeOption(string option)
    {
        ArgumentNullException.ThrowIfNull(option);
        var trimmed = option.Trim();
        if (trimmed.Length == 0)
        {
            return null;
        }

        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        var key = space < 0 ? trimmed : trimmed[..space];
        var value = space < 0 ? string.Empty : trimmed[(space + 1)..].Trim();
        if (!OptionKeyPattern().IsMatch(key) || value.Length == 0 || value.Length > 1024 || value.Any(char.IsControl))
        {
            throw AploException.Invalid($"glustervolumeoptions: '{option}' is not of the form '<key> <value>'");
        }

        return new(key, value);
    }

    public static void Tags(IReadOnlyDictionary<string, string>? tags)
    {
        if (tags is null)
        {
            return;
        }

        if (tags.Count > MaxTags)
        {
            throw AploException.Invalid($"tags: at most {MaxTags} tags are allowed");
        }

        foreach (var (key, value) in tags)
        {
            if (!TagKeyPattern().IsMatch(key))
            {
                throw AploException.Invalid($"tags: key '{key}' must be 1-32 of a-z A-Z 0-9 _ . -");
            }

            if (value is null || value.Length > 64 || value.Any(char.IsControl))
            {
                throw AploException.Invalid($"tags: value of '{key}' must be at most 64 printable characters");
            }
        }
    }

    // Patterns end in \z, not $: in .NET $ also matches before a final newline, which must never pass.
    [GeneratedRegex("^[A-Fa-f0-9]+\\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^(?=.{1,253}\z)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?\z")]
    private static partial Regex HostnamePattern();

    [GeneratedRegex("^/[a-zA-Z0-9_.:/-]+\\z")]
    private static partial Regex DevicePattern();

    [GeneratedRegex("^[a-zA-Z0-9_-]+\\z")]
    private static partial Regex VolumeNamePattern();

    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,128}\\z")]
    private static partial Regex OptionKeyPattern();

    [GeneratedRegex("^[a-zA-Z0-9_.-]{1,32}\\z")]
    private static partial Regex TagKeyPattern();
}
