using Microsoft.Extensions.Logging;

namespace Aplo.Core;

/// <summary>Core's log messages. Event ids 1000–1999 belong to Core.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Error, "Operation {OperationId} crashed")]
    public static partial void OperationCrashed(ILogger logger, Exception exception, string operationId);

    [LoggerMessage(1002, LogLevel.Warning, "Operation {OperationId} failed: {Reason}")]
    public static partial void OperationFailed(ILogger logger, string operationId, string reason);

    [LoggerMessage(1003, LogLevel.Warning, "Rollback of operation {OperationId} left work undone: {Reason}")]
    public static partial void RollbackIncomplete(ILogger logger, string operationId, string reason);

    [LoggerMessage(1004, LogLevel.Information, "Volume {VolumeName} ({VolumeId}) created with {BrickCount} bricks")]
    public static partial void VolumeCreated(ILogger logger, string volumeName, string volumeId, int brickCount);

    [LoggerMessage(1005, LogLevel.Information, "Volume {VolumeName} ({VolumeId}) deleted")]
    public static partial void VolumeDeleted(ILogger logger, string volumeName, string volumeId);

    [LoggerMessage(1006, LogLevel.Warning, "Peer detach of {Host} failed and is ignored: {Reason}")]
    public static partial void PeerDetachIgnored(ILogger logger, string host, string reason);

    [LoggerMessage(1007, LogLevel.Information, "Recovered {OperationType} operation {OperationId} on {TargetId}")]
    public static partial void Recovered(ILogger logger, string operationId, string operationType, string targetId);

    [LoggerMessage(1008, LogLevel.Error, "Could not recover {OperationType} operation {OperationId}; it is marked failed: {Reason}")]
    public static partial void RecoveryFailed(ILogger logger, string operationId, string operationType, string reason);

    [LoggerMessage(1009, LogLevel.Information, "Reconcile repaired {DriftKind} {Subject} on {Host}")]
    public static partial void DriftRepaired(ILogger logger, string driftKind, string subject, string host);

    [LoggerMessage(1010, LogLevel.Warning, "Reconcile could not repair {DriftKind} {Subject}: {Reason}")]
    public static partial void DriftRepairFailed(ILogger logger, string driftKind, string subject, string reason);

    [LoggerMessage(1011, LogLevel.Information, "Brick {OldBrickId} of volume {VolumeName} moved to brick {NewBrickId}")]
    public static partial void BrickEvicted(ILogger logger, string oldBrickId, string newBrickId, string volumeName);

    [LoggerMessage(1012, LogLevel.Information, "{What} {Id} removed: its bricks are on other devices and it is marked failed")]
    public static partial void Removed(ILogger logger, string what, string id);
}
