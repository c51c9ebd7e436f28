using Aplo.Contracts;
using Aplo.Core.Database;

namespace Aplo.Server.Database;

/// <summary>Turns the check's report into Heketi's <c>db check</c> shape.</summary>
public static class DbCheckView
{
    public static DbCheckResponse From(ConsistencyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new DbCheckResponse
        {
            Clusters = Bucket(report.Clusters),
            Volumes = Bucket(report.Volumes),
            Bricks = Bucket(report.Bricks),
            Nodes = Bucket(report.Nodes),
            Devices = Bucket(report.Devices),
            BlockVolumes = Bucket(ConsistencyReport.Empty),
            DbAttributes = Bucket(ConsistencyReport.Empty),
            PendingOperations = Bucket(report.PendingOperations),
            TotalInconsistencies = report.TotalInconsistencies,
        };
    }

    private static DbBucketCheckResponse Bucket(BucketReport b) => new()
    {
        Total = b.Total,
        Pending = b.Pending,
        Ok = b.Ok,
        NotOk = b.NotOk,
        Inconsistencies = b.Inconsistencies.Count == 0 ? null : b.Inconsistencies,
    };
}
