namespace Forwarder.Ipvsadm.Listing;

/// <summary>Which columns a service listing shows: plain (-L), or one of ipvsadm's extra views.</summary>
public enum ListingDetail
{
    /// <summary>Forward, Weight, ActiveConn, InActConn.</summary>
    Standard,

    /// <summary>--stats: Conns, InPkts, OutPkts, InBytes, OutBytes.</summary>
    Stats,

    /// <summary>--rate: CPS, InPPS, OutPPS, InBPS, OutBPS.</summary>
    Rate,

    /// <summary>--thresholds: Uthreshold, Lthreshold, ActiveConn, InActConn.</summary>
    Thresholds,

    /// <summary>--persistent-conn: Weight, PersistConn, ActiveConn, InActConn (and the pe columns of -c).</summary>
    PersistentConnections,

    /// <summary>--tun-info: Forward, TunnelInfo, Weight, ActiveConn, InActConn.</summary>
    TunnelInfo,
}
