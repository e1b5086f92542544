using Forwarder.Core.Engine;

namespace Forwarder.Commands;

/// <summary>The table and connection listings the replay prints at its end, at the capture's last moment.</summary>
public static class Listings
{
    public static string Table(DirectorEngine engine) => throw new NotImplementedException("pending the ipvsadm listing formatter");

    public static string Connections(DirectorEngine engine) => throw new NotImplementedException("pending the ipvsadm listing formatter");
}
