using Aplo.Server.Auth;

namespace Aplo.Server.Endpoints;

internal static class RequestExtensions
{
    /// <summary>The role the token carried (admin when auth is off): owner of what the request starts.</summary>
    public static string Role(this HttpContext context) =>
        context.Items[AuthMiddleware.RoleItem] as string ?? JwtValidator.Admin;

    /// <summary>Route ids are hex of either case, as Heketi's routes accept; stored ids are lowercase.</summary>
    public static string Id(this HttpContext context) => (string)context.Request.RouteValues["id"]!;
}
