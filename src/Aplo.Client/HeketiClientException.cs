using System.Net;

namespace Aplo.Client;

/// <summary>The server answered with an error; <see cref="Exception.Message"/> is its text.</summary>
public sealed class HeketiClientException : Exception
{
    public HeketiClientException()
    {
    }

    public HeketiClientException(string message)
        : base(message)
    {
    }

    public HeketiClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HeketiClientException(HttpStatusCode status, string message)
        : base(message)
    {
        Status = status;
    }

    public HttpStatusCode Status { get; }
}
