using Aplo.Core.Operations;
using Aplo.Core.Topology;
using Aplo.Server.Http;

namespace Aplo.Server.Auth;

/// <summary>
/// Checks the token on every request except /hello and /metrics, then the role. The user role may use
/// <c>/volumes</c> (list, create) as in Heketi and, beyond Heketi, poll the queue entries of its own requests
/// and read the volumes it created; everything else needs admin.
/// </summary>
public sealed class AuthMiddleware(RequestDelegate next, AuthGate gate, OperationQueue queue, TopologyManager topology)
{
    public const string RoleItem = "aplo.role";

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path is "/hello" or "/metrics")
        {
            return next(context);
        }

        var validator = gate.Validator;
        if (validator is null)
        {
            context.Items[RoleItem] = JwtValidator.Admin;
            return next(context);
        }

        var result = validator.Validate(context.Request.Headers.Authorization.ToString(), context.Request.Method, path);
        if (!result.Succeeded)
        {
            return HeketiResults.Error(context, result.Status, result.Error!);
        }

        if (result.Role == JwtValidator.User && !UserMay(context.Request.Method, path))
        {
            return HeketiResults.Error(context, StatusCodes.Status401Unauthorized, "Administrator access required");
        }

        context.Items[RoleItem] = result.Role;
        return next(context);
    }

    private bool UserMay(string method, string path)
    {
        if (path == "/volumes")
        {
            return true;
        }

        if (method != HttpMethods.Get)
        {
            return false;
        }

        if (path.StartsWith("/queue/", StringComparison.Ordinal))
        {
            return queue.OwnerOf(path["/queue/".Length..]) == JwtValidator.User;
        }

        if (path.StartsWith("/volumes/", StringComparison.Ordinal))
        {
            var id = path["/volumes/".Length..];
            return topology.Read(m => m.Volumes.TryGetValue(id, out var v) && v.Creator == JwtValidator.User);
        }

        return false;
    }
}

/// <summary>The token validator, or none when the server runs with --disable-auth.</summary>
public sealed record AuthGate(JwtValidator? Validator);
