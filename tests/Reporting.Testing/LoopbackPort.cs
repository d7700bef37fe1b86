using System.Net;
using System.Net.Sockets;

namespace Reporting.Testing;

/// <summary>Ports on the loopback address for the private servers tests start.</summary>
public static class LoopbackPort
{
    /// <summary>A port nothing listens on now: the system's choice of a free one.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
