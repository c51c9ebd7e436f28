using System.Globalization;
using System.Text.RegularExpressions;
using Aplo.Core.Execution;

namespace Aplo.Executors.Testing;

/// <summary>What a fault does when its point is reached.</summary>
public enum FaultAction
{
    /// <summary>SIGKILL this process: a crash with no chance to clean up.</summary>
    Kill,

    /// <summary>Make the call throw an executor error, as a failed node command would.</summary>
    Fail,
}

/// <summary>
/// A test-only fault: <c>kill:&lt;Method&gt;[@host][#n][:before|:after]</c> or the same with <c>fail:</c>. The
/// method is an executor method without its Async suffix (<c>BrickCreate</c>, <c>VolumeCreate</c>, ...); the
/// fault fires at its n-th call (default 1), counted on <c>host</c> only when one is given, before the call
/// runs or after it returned (default before). Read from <c>APLO_TEST_FAULT</c>, never from the config file.
/// </summary>
public sealed partial record FaultPlan(FaultAction Action, string Method, string? Host, int Call, bool After)
{
    public const string Variable = "APLO_TEST_FAULT";

    public static FaultPlan Parse(string text)
    {
        var match = Spec().Match(text ?? string.Empty);
        if (!match.Success)
        {
            throw new FormatException($"{Variable}='{text}': expected kill|fail:<Method>[@host][#n][:before|:after]");
        }

        // A misspelt method would never fire, and a crash test would pass without its crash.
        var method = match.Groups["method"].Value;
        if (!Methods.Contains(method))
        {
            throw new FormatException($"{Variable}='{text}': {method} is not an executor method; one of {string.Join(", ", Methods.Order(StringComparer.Ordinal))}");
        }

        return new FaultPlan(
            match.Groups["action"].Value == "kill" ? FaultAction.Kill : FaultAction.Fail,
            method,
            match.Groups["host"].Success ? match.Groups["host"].Value : null,
            match.Groups["n"].Success ? int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture) : 1,
            match.Groups["phase"].Value == "after");
    }

    public override string ToString() =>
        $"{(Action == FaultAction.Kill ? "kill" : "fail")}:{Method}{(Host is null ? string.Empty : "@" + Host)}#{Call}:{(After ? "after" : "before")}";

    /// <summary>The executor's methods without their Async suffix: the names a plan may use.</summary>
    public static IReadOnlySet<string> Methods { get; } =
        typeof(IExecutor).GetMethods().Select(m => m.Name.EndsWith("Async", StringComparison.Ordinal) ? m.Name[..^"Async".Length] : m.Name).ToHashSet(StringComparer.Ordinal);

    // The host is matched lazily: an IPv6 address has colons, and "@node1:after" must leave ":after" to the phase.
    [GeneratedRegex(@"\A(?<action>kill|fail):(?<method>[A-Za-z]+)(@(?<host>[A-Za-z0-9.:-]+?))?(#(?<n>[1-9][0-9]{0,3}))?(:(?<phase>before|after))?\z")]
    private static partial Regex Spec();
}
