namespace Aplo.Core.Errors;

/// <summary>
/// The closed set of failures the domain reports. Each maps to exactly one HTTP status in the server's
/// error mapping; the names follow Heketi's errors.go.
/// </summary>
public enum ErrorKind
{
    /// <summary>The request body could not be parsed (422).</summary>
    Unparsable,

    /// <summary>The request parsed but a value is not acceptable (400).</summary>
    Validation,

    /// <summary>An id names nothing (404).</summary>
    NotFound,

    /// <summary>The request contradicts the current state, e.g. deleting a cluster that has nodes (409).</summary>
    Conflict,

    /// <summary>No placement exists for the bricks (500, as Heketi answers).</summary>
    NoSpace,

    /// <summary>Too many operations are in flight (429).</summary>
    Busy,

    /// <summary>A node command failed, or another server-side failure (500).</summary>
    Internal,

    /// <summary>The store cannot currently accept writes (503).</summary>
    Unavailable,
}
