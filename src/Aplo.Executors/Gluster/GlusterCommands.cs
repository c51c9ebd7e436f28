using System.Globalization;
using Aplo.Core.Execution;
using Aplo.Core.Topology;

namespace Aplo.Executors.Gluster;

/// <summary>gluster CLI command lines (reference §5.5), always in script mode with an explicit timeout. Pure.</summary>
public static class GlusterCommands
{
    /// <summary>The glusterd check asks only the local daemon, so it gets a short timeout of its own.</summary>
    public const int CheckTimeoutSeconds = 10;

    /// <summary>
    /// Create (with the first set only), add the other bricks in chunks, set each option, start. One command
    /// per step so a failure names the step; long brick lists are split to keep each command line short.
    /// </summary>
    public static IReadOnlyList<string> VolumeCreate(ExecutorSettings settings, VolumeRequest volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var name = Q(CommandArgs.VolumeName(volume.Name));
        var setSize = SetSize(volume.Durability);
        if (volume.Bricks.Count == 0 || volume.Bricks.Count % setSize != 0)
        {
            throw new ArgumentException($"volume {volume.Name}: {volume.Bricks.Count} bricks do not make whole sets of {setSize}");
        }

        var commands = new List<string>
        {
            $"{Cli(settings)} volume create {name}{DurabilityArgs(volume.Durability)} {Bricks(volume.Bricks.Take(setSize))}",
        };
        commands.AddRange(AddBricks(settings, volume.Name, volume.Durability, volume.Bricks.Skip(setSize).ToList()));
        foreach (var (key, value) in volume.Options)
        {
            commands.Add($"{Cli(settings)} volume set {name} {Q(CommandArgs.OptionKey(key))} {Q(CommandArgs.OptionValue(value))}");
        }

        commands.Add($"{Cli(settings)} volume start {name}");
        return commands;
    }

    /// <summary>Adds whole sets: 15 bricks per command without redundancy, 5 replica sets, or 1 disperse set.</summary>
    public static IReadOnlyList<string> AddBricks(ExecutorSettings settings, string volumeName, Durability durability, IReadOnlyList<BrickAddress> bricks)
    {
        ArgumentNullException.ThrowIfNull(durability);
        ArgumentNullException.ThrowIfNull(bricks);
        var name = Q(CommandArgs.VolumeName(volumeName));
        var setSize = SetSize(durability);
        if (bricks.Count % setSize != 0)
        {
            throw new ArgumentException($"volume {volumeName}: {bricks.Count} new bricks do not make whole sets of {setSize}");
        }

        var setsPerCommand = durability.Type switch
        {
            DurabilityType.Replicate => 5,
            DurabilityType.Disperse => 1,
            _ => 15,
        };
        return [.. bricks.Chunk(setSize * setsPerCommand).Select(chunk => $"{Cli(settings)} volume add-brick {name} {Bricks(chunk)}")];
    }

    public static string Rebalance(ExecutorSettings settings, string volumeName) =>
        $"{Cli(settings)} volume rebalance {Q(CommandArgs.VolumeName(volumeName))} start";

    public static string VolumeStop(ExecutorSettings settings, string volumeName) =>
        $"{Cli(settings)} volume stop {Q(CommandArgs.VolumeName(volumeName))} force";

    public static string VolumeDelete(ExecutorSettings settings, string volumeName) =>
        $"{Cli(settings)} volume delete {Q(CommandArgs.VolumeName(volumeName))}";

    /// <summary>Every volume when <paramref name="volumeName"/> is null.</summary>
    public static string VolumeInfoXml(ExecutorSettings settings, string? volumeName) =>
        volumeName is null
            ? $"{Cli(settings)} volume info --xml"
            : $"{Cli(settings)} volume info {Q(CommandArgs.VolumeName(volumeName))} --xml";

    public static string HealInfoXml(ExecutorSettings settings, string volumeName) =>
        $"{Cli(settings)} volume heal {Q(CommandArgs.VolumeName(volumeName))} info --xml";

    /// <summary>
    /// Swaps one brick for another; <c>commit force</c> is the only form current Gluster accepts, and the new
    /// brick is then healed from the rest of its set.
    /// </summary>
    public static string ReplaceBrick(ExecutorSettings settings, string volumeName, BrickAddress oldBrick, BrickAddress newBrick) =>
        $"{Cli(settings)} volume replace-brick {Q(CommandArgs.VolumeName(volumeName))} {Bricks([oldBrick])} {Bricks([newBrick])} commit force";

    public static string PeerProbe(ExecutorSettings settings, string host) => $"{Cli(settings)} peer probe {Q(CommandArgs.Host(host))}";

    public static string PeerDetach(ExecutorSettings settings, string host) => $"{Cli(settings)} peer detach {Q(CommandArgs.Host(host))}";

    public static string SnapshotLimit(ExecutorSettings settings, int limit) =>
        string.Create(CultureInfo.InvariantCulture, $"{Cli(settings)} snapshot config snap-max-hard-limit {CommandArgs.Positive(limit, "snapshot limit")}");

    /// <summary>Answers only when the local glusterd does; needs no systemd.</summary>
    public static string PoolList() => $"gluster --mode=script --timeout={CheckTimeoutSeconds} pool list";

    public static string Cli(ExecutorSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return string.Create(CultureInfo.InvariantCulture, $"gluster --mode=script --timeout={CommandArgs.Positive(settings.GlusterCliTimeoutSeconds, "gluster timeout")}");
    }

    private static int SetSize(Durability durability) =>
        durability.Type switch
        {
            DurabilityType.Replicate => Math.Max(1, durability.Replica),
            DurabilityType.Disperse => durability.Data + durability.Redundancy,
            _ => 1,
        };

    private static string DurabilityArgs(Durability durability) =>
        durability.Type switch
        {
            DurabilityType.Replicate when durability.Replica > 1 && durability.Arbiter =>
                string.Create(CultureInfo.InvariantCulture, $" replica {durability.Replica} arbiter 1"),
            DurabilityType.Replicate when durability.Replica > 1 =>
                string.Create(CultureInfo.InvariantCulture, $" replica {durability.Replica}"),
            DurabilityType.Disperse =>
                string.Create(CultureInfo.InvariantCulture, $" disperse-data {CommandArgs.Positive(durability.Data, "disperse data")} redundancy {CommandArgs.Positive(durability.Redundancy, "redundancy")}"),
            _ => string.Empty,
        };

    private static string Bricks(IEnumerable<BrickAddress> bricks) =>
        string.Join(' ', bricks.Select(b => Q(CommandArgs.Host(b.Host) + ":" + CommandArgs.Path(b.Path, "brick path"))));

    private static string Q(string value) => ShellQuote.Quote(value);
}
