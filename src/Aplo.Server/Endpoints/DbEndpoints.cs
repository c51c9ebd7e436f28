using Aplo.Contracts;
using Aplo.Core.Database;
using Aplo.Core.Topology;
using Aplo.Server.Database;
using Aplo.Server.Http;

namespace Aplo.Server.Endpoints;

/// <summary>Heketi's /db routes: the whole store in Heketi's dump format, and the store checked against itself.</summary>
public static class DbEndpoints
{
    public static IEndpointRouteBuilder MapDb(this IEndpointRouteBuilder app)
    {
        app.MapGet("/db/dump", Dump);
        app.MapGet("/db/check", Check);
        return app;
    }

    private static Task Dump(HttpContext context, TopologyManager topology) =>
        HeketiResults.Json(context, StatusCodes.Status200OK, topology.Read(HeketiDumpExport.Export), HeketiDumpJsonContext.Default.HeketiDump);

    private static Task Check(HttpContext context, TopologyManager topology) =>
        HeketiResults.Json(context, StatusCodes.Status200OK, DbCheckView.From(topology.Read(ConsistencyCheck.Run)), HeketiDumpJsonContext.Default.DbCheckResponse);
}
