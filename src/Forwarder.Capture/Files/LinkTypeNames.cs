using System.Runtime.InteropServices;

namespace Forwarder.Capture.Files;

/// <summary>
/// A capture's link type as a file and libpcap name it: the LINKTYPE_ number written in the file's header
/// and libpcap's own short name for it (EN10MB, RAW, LINUX_SLL, ...), so a refusal reads like tcpdump's "link-type".
/// </summary>
internal static class LinkTypeNames
{
    private delegate IntPtr DatalinkValueToName(int datalink);

    private static readonly Lazy<DatalinkValueToName?> NameFunction = new(LoadNameFunction);

    /// <summary>
    /// libpcap hands back its DLT_ value, which on Linux differs from the file's LINKTYPE_ value for a few link
    /// types only (libpcap's dlt_to_linktype): DLT_RAW is 12 where the file says 101, and so on.
    /// </summary>
    public static int FileLinkType(int datalink) => datalink switch
    {
        11 => 100, // DLT_ATM_RFC1483
        12 => 101, // DLT_RAW
        19 => 106, // DLT_ATM_CLIP
        _ => datalink,
    };

    /// <summary>libpcap's name (pcap_datalink_val_to_name), or null when libpcap has none.</summary>
    public static string? Name(int datalink)
    {
        var name = NameFunction.Value?.Invoke(datalink) ?? IntPtr.Zero;
        return name == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(name);
    }

    /// <summary>The same libpcap SharpPcap opened the file with (Debian's libpcap.so.0.8, or its other names).</summary>
    private static DatalinkValueToName? LoadNameFunction()
    {
        foreach (var library in new[] { "libpcap.so.0.8", "libpcap.so.1", "libpcap.so" })
        {
            if (NativeLibrary.TryLoad(library, out var handle) && NativeLibrary.TryGetExport(handle, "pcap_datalink_val_to_name", out var function))
            {
                return Marshal.GetDelegateForFunctionPointer<DatalinkValueToName>(function);
            }
        }
        return null;
    }
}
