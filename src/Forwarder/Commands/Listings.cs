using Forwarder.Core.Engine;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Commands;

/// <summary>The table and connection listings the replay prints at its end, as of the capture's last moment.</summary>
public static class Listings
{
    private static readonly ListingOptions Numeric = new() { Numeric = true };

    /// <summary><c>ipvsadm -Ln</c>, after every connection due to expire by the engine's clock has.</summary>
    public static string Table(DirectorEngine engine)
    {
        engine.Connections.ExpireExactly(engine.Now);
        return new ServiceListing().ListAll(engine.Services, Numeric);
    }

    /// <summary><c>ipvsadm -Lnc</c> at the engine's clock.</summary>
    public static string Connections(DirectorEngine engine)
    {
        engine.Connections.ExpireExactly(engine.Now);
        return new ConnectionListing().List(engine.Connections, engine.Now, Numeric);
    }
}
