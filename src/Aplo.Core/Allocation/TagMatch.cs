using System.Text.RegularExpressions;
using Aplo.Core.Errors;

namespace Aplo.Core.Allocation;

/// <summary>
/// The volume option <c>user.heketi.device-tag-match</c>: <c>key=value</c> keeps devices whose merged tag
/// equals the value, <c>key!=value</c> those whose tag differs. A missing tag counts as empty.
/// </summary>
public sealed partial record TagMatch(string Key, string Value, bool Negated)
{
    public const string Option = "user.heketi.device-tag-match";

    public bool Matches(CandidateDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return string.Equals(device.Tag(Key), Value, StringComparison.Ordinal) != Negated;
    }

    public static TagMatch Parse(string text)
    {
        var m = Pattern().Match(text ?? string.Empty);
        if (!m.Success)
        {
            throw AploException.Invalid($"glustervolumeoptions: {Option} must be <key>=<value> or <key>!=<value>, got '{text}'");
        }

        return new TagMatch(m.Groups[1].Value, m.Groups[3].Value, m.Groups[2].Value == "!=");
    }

    public override string ToString() => Key + (Negated ? "!=" : "=") + Value;

    [GeneratedRegex(@"^([a-zA-Z0-9._-]+)(!?=)([a-zA-Z0-9._-]+)\z")]
    private static partial Regex Pattern();
}
