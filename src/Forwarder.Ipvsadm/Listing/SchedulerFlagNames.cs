namespace Forwarder.Ipvsadm.Listing;

/// <summary>
/// The scheduler flags (-b) as newer ipvsadm (1.28+) prints them: the kernel keeps only three bits
/// (<c>IP_VS_SVC_F_SCHED1..3</c>), and ipvsadm names them after the service's scheduler — sh-fallback and
/// sh-port for sh, mh-fallback and mh-port for mh, flag-1..flag-3 for the others — in bit order.
/// </summary>
internal static class SchedulerFlagNames
{
    private const int Flag1 = 1, Flag2 = 2, Flag3 = 4;

    /// <summary>The flag bits of a -b argument as given ("sh-port,sh-fallback"); unknown words set nothing.</summary>
    public static int Parse(string flags)
    {
        var bits = 0;
        foreach (var word in flags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            bits |= word switch
            {
                "flag-1" or "sh-fallback" or "mh-fallback" => Flag1,
                "flag-2" or "sh-port" or "mh-port" => Flag2,
                "flag-3" => Flag3,
                _ => 0,
            };
        }
        return bits;
    }

    /// <summary>The words ipvsadm prints for the bits (comma separated), possibly empty: sh and mh have no name for the third bit.</summary>
    public static string Describe(string scheduler, int bits)
    {
        var words = new List<string>(3);
        switch (scheduler)
        {
            case "sh":
                AddIf(words, bits, Flag1, "sh-fallback");
                AddIf(words, bits, Flag2, "sh-port");
                break;
            case "mh":
                AddIf(words, bits, Flag1, "mh-fallback");
                AddIf(words, bits, Flag2, "mh-port");
                break;
            default:
                AddIf(words, bits, Flag1, "flag-1");
                AddIf(words, bits, Flag2, "flag-2");
                AddIf(words, bits, Flag3, "flag-3");
                break;
        }
        return string.Join(',', words);
    }

    private static void AddIf(List<string> words, int bits, int flag, string word)
    {
        if ((bits & flag) != 0)
        {
            words.Add(word);
        }
    }
}
