using Aplo.Core.Errors;
using Aplo.Core.Topology;

namespace Aplo.Core.Operations;

/// <summary>Heketi's node and device state machine (reference §1.5).</summary>
public static class StateRules
{
    public static EntityState Parse(string? state) => state switch
    {
        "online" => EntityState.Online,
        "offline" => EntityState.Offline,
        "failed" => EntityState.Failed,
        _ => throw AploException.Invalid($"state: '{state}' is not one of online, offline, failed"),
    };

    public static string ToWire(EntityState state) => state switch
    {
        EntityState.Online => "online",
        EntityState.Offline => "offline",
        _ => "failed",
    };

    /// <summary>Checks a transition; <paramref name="isNode"/> because a failed node may not go back to offline.</summary>
    public static void Check(EntityState from, EntityState to, bool isNode)
    {
        if (from == to)
        {
            return;
        }

        var allowed = (from, to) switch
        {
            (EntityState.Online, EntityState.Offline) or (EntityState.Offline, EntityState.Online) => true,
            (EntityState.Offline, EntityState.Failed) => true,
            (EntityState.Failed, EntityState.Offline) => !isNode,
            _ => false,
        };

        if (!allowed)
        {
            var what = isNode ? "Node" : "Device";
            var hint = to == EntityState.Failed ? " (it must be offline before remove)" : string.Empty;
            throw AploException.Conflict($"{what} cannot move from {ToWire(from)} to {ToWire(to)}{hint}");
        }
    }
}
