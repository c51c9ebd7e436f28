using Aplo.Core.Execution;
using Aplo.Core.Topology;
using Microsoft.Extensions.Logging;

namespace Aplo.Core.Operations;

/// <summary>What every service needs: the topology, the executor, the runner, settings, time and ids.</summary>
public sealed record OperationContext(
    TopologyManager Topology,
    IExecutor Executor,
    OperationRunner Runner,
    GlusterSettings Settings,
    TimeProvider Time,
    IIdGenerator Ids,
    ILogger Logger);
