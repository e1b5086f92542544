namespace Forwarder.Ipvsadm.Execution;

/// <summary>
/// The exit statuses ipvsadm 1.26 ends with, named after the path in ipvsadm.c that produces each.
/// </summary>
public static class IpvsadmExitCodes
{
    public const int Success = 0;

    /// <summary>A listing that cannot be made: <c>list_service</c> on a missing service prints the error and calls <c>exit(1)</c>.</summary>
    public const int ListingFailed = 1;

    /// <summary>Every <c>fail(2, ...)</c>: bad arguments, option checks, and "Can't initialize ipvs" (the director cannot be reached).</summary>
    public const int Usage = 2;

    /// <summary>
    /// <c>tryhelp_exit(argv[0], -1)</c>, popt's own errors (<c>parse_options</c> returns -1) and a refused edit
    /// (libipvs returns -1, <c>process_options</c> returns it and <c>main</c> returns it): exit(-1) is 255.
    /// </summary>
    public const int Refused = 255;
}
