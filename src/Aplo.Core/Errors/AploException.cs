namespace Aplo.Core.Errors;

/// <summary>
/// A failure with a <see cref="ErrorKind"/> that the hosts turn into a status code in one place.
/// The message is what the client sees, so it is written for an operator.
/// </summary>
public sealed class AploException : Exception
{
    public AploException(ErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    public AploException(ErrorKind kind, string message, Exception inner)
        : base(message, inner)
    {
        Kind = kind;
    }

    public AploException()
        : this(ErrorKind.Internal, "Internal error")
    {
    }

    public AploException(string message)
        : this(ErrorKind.Internal, message)
    {
    }

    public AploException(string message, Exception innerException)
        : this(ErrorKind.Internal, message, innerException)
    {
    }

    public ErrorKind Kind { get; }

    public static AploException NotFound(string message = "Id not found") => new(ErrorKind.NotFound, message);

    public static AploException Conflict(string message) => new(ErrorKind.Conflict, message);

    public static AploException Invalid(string message) => new(ErrorKind.Validation, "validation failed: " + message);

    public static AploException Busy() => new(ErrorKind.Busy, "Server busy. Retry operation later.");
}
