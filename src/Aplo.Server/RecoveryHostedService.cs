using Aplo.Core.Operations;

namespace Aplo.Server;

/// <summary>Runs crash recovery once the server is up, so a node that is slow to answer does not hold the start.</summary>
public sealed class RecoveryHostedService(RecoveryService recovery) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => recovery.RecoverAsync(stoppingToken);
}
