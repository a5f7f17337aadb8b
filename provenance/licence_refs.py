"""What the SPDX database of ``license-expression`` says of lone licence ids, so that the common card --
one listed licence, or one custom agreement -- needs no database (loading it is ~30-100 ms of every
`prov card`).

``KNOWN``: every ``LicenseRef-…`` id the database knows (keys and aliases, lower-case). ``licences.normalise``
takes any other lone ``LicenseRef-…`` as its own canonical form; these it leaves to the full parse, which
maps many of them to other ids (``LicenseRef-MIT-TC`` is MIT) or refuses them.

``CANONICAL``: every other key and alias the database knows (one word, letters, digits, ``.-+``), lower-case,
with what the full parse of it alone gives (``mit`` -> ``MIT``, ``gpl-2.0+`` -> ``GPL-2.0-or-later``); the
ids it refuses are not listed and take the full parse, which says why.

Both are good for the index file whose sha256 is ``INDEX_SHA256``: with any other index the full parse runs
every time. ``tests/test_terms.py`` regenerates this module from the installed library and fails on a
difference, and holds both shortcuts to the full parse (``python -m provenance.licences`` prints this
module afresh).
"""

from __future__ import annotations

INDEX_SHA256 = "d7594273825a68b2d5676d76d336c560210072f07a77edb193ad608694067596"

KNOWN = frozenset(
    """
    licenseref-.amazon.com.-amznsl-1.0 licenseref-agpl licenseref-agpl-3.0 licenseref-apache licenseref-apache-2.0
    licenseref-commercial licenseref-elixir-trademark-policy licenseref-fedora-public-domain
    licenseref-fedora-ultrapermissive licenseref-gpl licenseref-gpl-2.0 licenseref-gpl-3.0
    licenseref-gpl-3.0-or-later licenseref-kde-accepted-gpl licenseref-kde-accepted-lgpl
    licenseref-kfqf-accepted-gpl licenseref-lgpl licenseref-lgpl-2 licenseref-lgpl-2.0 licenseref-lgpl-2.1
    licenseref-license licenseref-license.md licenseref-liferay-dxp-eula-2.0.0-2023-06 licenseref-mit-bootstrap
    licenseref-mit-diehl licenseref-mit-discord licenseref-mit-tc licenseref-proprietary-here
    licenseref-publicdomain licenseref-scancode-3com-microcode licenseref-scancode-3dslicer-1.0
    licenseref-scancode-4suite-1.1 licenseref-scancode-996-icu-1.0 licenseref-scancode-a-star-logic-memoire-temp
    licenseref-scancode-aardvark-py-2014 licenseref-scancode-abrms licenseref-scancode-ac3filter
    licenseref-scancode-accellera-systemc licenseref-scancode-accountability-commercial-1.1
    licenseref-scancode-acdl-1.0 licenseref-scancode-acki-nacki-node-2024-10-04 licenseref-scancode-acm-sla
    licenseref-scancode-acroname-bdk licenseref-scancode-acter-psl-1.0
    licenseref-scancode-activepieces-enterprise-2023 licenseref-scancode-activestate-community
    licenseref-scancode-activestate-community-2012 licenseref-scancode-activestate-komodo-edit
    licenseref-scancode-activision-eula licenseref-scancode-actuate-birt-ihub-ftype-sla
    licenseref-scancode-ada-linking-exception licenseref-scancode-adaptec-downloadable
    licenseref-scancode-adaptec-eula licenseref-scancode-adcolony-tos-2022
    licenseref-scancode-addthis-mobile-sdk-1.0 licenseref-scancode-adi-bsd licenseref-scancode-adi-bsd-2011
    licenseref-scancode-adi-bsd-2017 licenseref-scancode-adobe-acrobat-reader-eula
    licenseref-scancode-adobe-air-sdk licenseref-scancode-adobe-air-sdk-2014
    licenseref-scancode-adobe-color-profile-bundling licenseref-scancode-adobe-color-profile-license
    licenseref-scancode-adobe-dng-sdk licenseref-scancode-adobe-dng-spec-patent licenseref-scancode-adobe-eula
    licenseref-scancode-adobe-flash-player-eula-21.0 licenseref-scancode-adobe-flex-4-sdk
    licenseref-scancode-adobe-flex-sdk licenseref-scancode-adobe-general-tou licenseref-scancode-adobe-indesign-sdk
    licenseref-scancode-adobe-postscript licenseref-scancode-adrian licenseref-scancode-aes-128-3.0
    licenseref-scancode-afpl-9.0 licenseref-scancode-ag-grid-enterprise licenseref-scancode-agentxpp
    licenseref-scancode-agere-bsd licenseref-scancode-agere-sla licenseref-scancode-ago-private-1.0
    licenseref-scancode-agpl-2.0 licenseref-scancode-agpl-generic-additional-terms licenseref-scancode-agtpl
    licenseref-scancode-alasir licenseref-scancode-aldor-public-2.0 licenseref-scancode-alexisisaac-freeware
    licenseref-scancode-alfresco-exception-0.5 licenseref-scancode-allen-institute-software-2018
    licenseref-scancode-alliance-open-media-patent-1.0 licenseref-scancode-altermime
    licenseref-scancode-altova-eula licenseref-scancode-amazon-redshift-jdbc licenseref-scancode-amazon-sl
    licenseref-scancode-amd-aspf-2023 licenseref-scancode-amd-historical licenseref-scancode-amd-linux-firmware
    licenseref-scancode-amd-linux-firmware-export licenseref-scancode-amlogic-linux-firmware
    licenseref-scancode-amplication-ee-2022 licenseref-scancode-ams-fonts
    licenseref-scancode-anaconda-tos-2024-03-30 licenseref-scancode-android-sdk-2009
    licenseref-scancode-android-sdk-2012 licenseref-scancode-android-sdk-2021
    licenseref-scancode-android-sdk-license licenseref-scancode-android-sdk-preview-2015
    licenseref-scancode-anepokis-1.0 licenseref-scancode-angi-1.0 licenseref-scancode-anti-capitalist-1.4
    licenseref-scancode-anu-license licenseref-scancode-apache-patent-exception licenseref-scancode-apl-1.1
    licenseref-scancode-appfire-eula licenseref-scancode-apple-academic-lisa-os-3.1
    licenseref-scancode-apple-attribution licenseref-scancode-apple-attribution-1997 licenseref-scancode-apple-excl
    licenseref-scancode-apple-mfi-license licenseref-scancode-apple-ml-ferret-2023 licenseref-scancode-apple-mpeg-4
    licenseref-scancode-apple-sscl licenseref-scancode-appsflyer-framework
    licenseref-scancode-apromore-exception-2.0 licenseref-scancode-aptana-1.0
    licenseref-scancode-aptana-exception-3.0 licenseref-scancode-arachni-psl-1.0
    licenseref-scancode-aravindan-premkumar licenseref-scancode-argouml licenseref-scancode-arm-cortex-mx
    licenseref-scancode-arm-llvm-sga licenseref-scancode-arphic-public licenseref-scancode-array-input-method-pl
    licenseref-scancode-artistic-1988-1.0 licenseref-scancode-asal-1.0 licenseref-scancode-ascender-eula
    licenseref-scancode-ascender-web-fonts licenseref-scancode-aslp licenseref-scancode-aslr
    licenseref-scancode-asmus licenseref-scancode-asn1 licenseref-scancode-asn1cc-exception-gpl-2.0
    licenseref-scancode-aswf-digital-assets-1.0 licenseref-scancode-aswf-digital-assets-1.1
    licenseref-scancode-ati-eula licenseref-scancode-atkinson-hyperlegible-font
    licenseref-scancode-atlassian-marketplace-tou licenseref-scancode-atmel-firmware
    licenseref-scancode-atmel-linux-firmware licenseref-scancode-atmel-microcontroller
    licenseref-scancode-atmosphere-0.4 licenseref-scancode-authorizenet-sdk
    licenseref-scancode-autoconf-macro-exception licenseref-scancode-autoconf-simple-exception
    licenseref-scancode-autoconf-simple-exception-2.0 licenseref-scancode-autodesk-3d-sft-3.0
    licenseref-scancode-autoit-eula licenseref-scancode-autoopts-exception-2.0
    licenseref-scancode-autosar-proprietary licenseref-scancode-avdpro-2023-10-30
    licenseref-scancode-avisynth-c-exception licenseref-scancode-avisynth-linking-exception
    licenseref-scancode-avsystem-5-clause licenseref-scancode-aws-ip-2021 licenseref-scancode-bacula-exception
    licenseref-scancode-baekmuk-fonts licenseref-scancode-bakoma-fonts-1995 licenseref-scancode-bapl-1.0
    licenseref-scancode-baserow-ee-2019 licenseref-scancode-baserow-pe-2019
    licenseref-scancode-bash-exception-gpl-2.0 licenseref-scancode-bcm-linking-exception-2.0
    licenseref-scancode-bea-2.1 licenseref-scancode-beal-screamer licenseref-scancode-beegfs-eula-2024
    licenseref-scancode-beri-hw-sw-1.0 licenseref-scancode-berryai-2024 licenseref-scancode-bigcode-open-rail-m-v1
    licenseref-scancode-bigdigits licenseref-scancode-bigelow-holmes licenseref-scancode-bigscience-open-rail-m
    licenseref-scancode-bigscience-open-rail-m2 licenseref-scancode-bigscience-rail-1.0
    licenseref-scancode-binary-linux-firmware licenseref-scancode-binary-linux-firmware-patent
    licenseref-scancode-biopython licenseref-scancode-biosl-4.0 licenseref-scancode-bison-exception-2.0
    licenseref-scancode-bitstream licenseref-scancode-bittorrent-1.2 licenseref-scancode-bittorrent-eula
    licenseref-scancode-bitwarden-1.0 licenseref-scancode-bitzi-pd licenseref-scancode-blas-2017
    licenseref-scancode-blender-2010 licenseref-scancode-blitz-artistic licenseref-scancode-bloomberg-blpapi
    licenseref-scancode-bohl-0.2 licenseref-scancode-bola10 licenseref-scancode-bola11
    licenseref-scancode-boost-original licenseref-scancode-boutell-libgd-2021 licenseref-scancode-bpel4ws-spec
    licenseref-scancode-bpmn-io licenseref-scancode-brad-martinez-vb-32
    licenseref-scancode-brankas-open-license-1.0 licenseref-scancode-brent-corkum licenseref-scancode-brian-clapper
    licenseref-scancode-brian-gladman licenseref-scancode-brian-gladman-3-clause
    licenseref-scancode-brian-gladman-dual licenseref-scancode-broadcom-cfe licenseref-scancode-broadcom-commercial
    licenseref-scancode-broadcom-confidential licenseref-scancode-broadcom-linking-unmodified
    licenseref-scancode-broadcom-linux-firmware licenseref-scancode-broadcom-linux-timer
    licenseref-scancode-broadcom-opus-patent licenseref-scancode-broadcom-proprietary
    licenseref-scancode-broadcom-raspberry-pi licenseref-scancode-broadcom-standard-terms
    licenseref-scancode-broadcom-unmodified-exception licenseref-scancode-broadcom-wiced
    licenseref-scancode-broadleaf-fair-use licenseref-scancode-brocade-firmware licenseref-scancode-bruno-podetti
    licenseref-scancode-bsd-1-clause-build licenseref-scancode-bsd-1988
    licenseref-scancode-bsd-2-clause-plus-advertizing licenseref-scancode-bsd-3-clause-devine
    licenseref-scancode-bsd-3-clause-fda licenseref-scancode-bsd-3-clause-jtag
    licenseref-scancode-bsd-3-clause-no-change licenseref-scancode-bsd-3-clause-no-military
    licenseref-scancode-bsd-3-clause-no-trademark licenseref-scancode-bsd-3-clause-sun
    licenseref-scancode-bsd-ack-carrot2 licenseref-scancode-bsd-artwork licenseref-scancode-bsd-atmel
    licenseref-scancode-bsd-axis-nomod licenseref-scancode-bsd-credit licenseref-scancode-bsd-dpt
    licenseref-scancode-bsd-endorsement-allowed licenseref-scancode-bsd-export licenseref-scancode-bsd-gnu-efi
    licenseref-scancode-bsd-innosys licenseref-scancode-bsd-mylex licenseref-scancode-bsd-new-derivative
    licenseref-scancode-bsd-new-nomod licenseref-scancode-bsd-new-tcpdump licenseref-scancode-bsd-no-disclaimer
    licenseref-scancode-bsd-no-disclaimer-unmodified licenseref-scancode-bsd-no-mod
    licenseref-scancode-bsd-original-muscle licenseref-scancode-bsd-original-uc-1986
    licenseref-scancode-bsd-original-voices licenseref-scancode-bsd-plus-mod-notice
    licenseref-scancode-bsd-simplified-darwin licenseref-scancode-bsd-simplified-intel
    licenseref-scancode-bsd-simplified-source licenseref-scancode-bsd-top licenseref-scancode-bsd-top-gpl-addition
    licenseref-scancode-bsd-unchanged licenseref-scancode-bsd-unmodified licenseref-scancode-bsd-x11
    licenseref-scancode-bsl-1.0 licenseref-scancode-bsl-1.1 licenseref-scancode-bsla
    licenseref-scancode-bsla-no-advert licenseref-scancode-bugsense-sdk licenseref-scancode-bytemark
    licenseref-scancode-c-fsl-1.1 licenseref-scancode-ca-ossl-1.0 licenseref-scancode-cadence-linux-firmware
    licenseref-scancode-can-ogl-alberta-2.1 licenseref-scancode-can-ogl-british-columbia-2.0
    licenseref-scancode-can-ogl-nova-scotia-1.0 licenseref-scancode-can-ogl-ontario-1.0
    licenseref-scancode-can-ogl-toronto-1.0 licenseref-scancode-canonical-ha-cla-any-e-v1.2
    licenseref-scancode-canonical-ha-cla-any-i-v1.2 licenseref-scancode-capec-tou licenseref-scancode-caramel-1.0
    licenseref-scancode-careware licenseref-scancode-carnegie-mellon
    licenseref-scancode-carnegie-mellon-contributors licenseref-scancode-catharon-osl
    licenseref-scancode-cavium-linux-firmware licenseref-scancode-cavium-malloc
    licenseref-scancode-cavium-targeted-hardware licenseref-scancode-cc-by-2.0-uk
    licenseref-scancode-cc-by-nc-nd-2.0-at licenseref-scancode-cc-by-nc-nd-2.0-au
    licenseref-scancode-cc-by-nc-sa-3.0-us licenseref-scancode-cc-devnations-2.0 licenseref-scancode-cc-gpl-2.0-pt
    licenseref-scancode-cc-lgpl-2.1-pt licenseref-scancode-cc-nc-1.0 licenseref-scancode-cc-nc-sampling-plus-1.0
    licenseref-scancode-cc-nd-1.0 licenseref-scancode-cc-pdm-1.0 licenseref-scancode-cc-sa-1.0
    licenseref-scancode-cc-sampling-1.0 licenseref-scancode-cc-sampling-plus-1.0
    licenseref-scancode-ccg-research-academic licenseref-scancode-cclrc licenseref-scancode-cecill-1.0-en
    licenseref-scancode-cecill-2.0-fr licenseref-scancode-cecill-2.1-fr licenseref-scancode-cecill-b-en
    licenseref-scancode-cecill-c-en licenseref-scancode-cern-attribution-1995 licenseref-scancode-cexcept-2008
    licenseref-scancode-cgic licenseref-scancode-chameleon-research-2024 licenseref-scancode-charmpp-2019
    licenseref-scancode-charmpp-converse-2017 licenseref-scancode-chartdirector-6.0
    licenseref-scancode-chelsio-linux-firmware licenseref-scancode-chicken-dl-0.2
    licenseref-scancode-chillicream-1.0 licenseref-scancode-chris-maunder licenseref-scancode-chris-stoy
    licenseref-scancode-christopher-velazquez licenseref-scancode-cisco-avch264-patent
    licenseref-scancode-civicrm-exception-to-agpl-3.0 licenseref-scancode-classic-vb
    licenseref-scancode-clause-6-exception-lgpl-2.1 licenseref-scancode-clear-bsd-1-clause
    licenseref-scancode-clearthought-2.0 licenseref-scancode-click-license licenseref-scancode-clips-2017
    licenseref-scancode-clojure-exception-to-gpl-3.0 licenseref-scancode-cloudera-express
    licenseref-scancode-cmigemo licenseref-scancode-cmu-computing-services licenseref-scancode-cmu-flite
    licenseref-scancode-cmu-mit licenseref-scancode-cmu-nara-nagoya licenseref-scancode-cmu-simple
    licenseref-scancode-cmu-template licenseref-scancode-cncf-corporate-cla-1.0
    licenseref-scancode-cncf-individual-cla-1.0 licenseref-scancode-cockroach
    licenseref-scancode-cockroachdb-2024-10-01 licenseref-scancode-cockroachdb-use-grant-bsl-1.1
    licenseref-scancode-cockroachdb-use-grant-for-bsl-1.1 licenseref-scancode-code-credit-license-1.0.0
    licenseref-scancode-code-credit-license-1.0.1 licenseref-scancode-code-credit-license-1.1.0
    licenseref-scancode-codeguru-permissions licenseref-scancode-codelite-exception-to-gpl
    licenseref-scancode-codesourcery-2004 licenseref-scancode-codexia licenseref-scancode-cognitive-web-osl-1.1
    licenseref-scancode-colt licenseref-scancode-com-oreilly-servlet licenseref-scancode-commercial-license
    licenseref-scancode-commonj-timer licenseref-scancode-commons-clause licenseref-scancode-compass
    licenseref-scancode-componentace-jcraft licenseref-scancode-compuphase-linking-exception
    licenseref-scancode-concursive-pl-1.0 licenseref-scancode-confluent-community-1.0
    licenseref-scancode-cooperative-non-violent-4.0 licenseref-scancode-cooperative-non-violent-6.0
    licenseref-scancode-cooperative-non-violent-7.0 licenseref-scancode-copyheart
    licenseref-scancode-corporate-accountability-1.1 licenseref-scancode-corporate-accountability-commercial-1.1
    licenseref-scancode-cosl licenseref-scancode-cosli licenseref-scancode-couchbase-community
    licenseref-scancode-couchbase-enterprise licenseref-scancode-cpl-0.5 licenseref-scancode-cpm-2022
    licenseref-scancode-cpol-1.0 licenseref-scancode-cpp-core-guidelines licenseref-scancode-crapl-0.1
    licenseref-scancode-crashlytics-agreement-2018 licenseref-scancode-crcalc
    licenseref-scancode-crunchbase-data-2019-12-17 licenseref-scancode-crypto-keys-redistribution
    licenseref-scancode-cryptopp licenseref-scancode-cryptoswift licenseref-scancode-csl-1.0
    licenseref-scancode-csla licenseref-scancode-csprng licenseref-scancode-ctl-linux-firmware
    licenseref-scancode-cubiware-software-1.0 licenseref-scancode-cups licenseref-scancode-cups-apple-os-exception
    licenseref-scancode-cve-tou licenseref-scancode-cvwl licenseref-scancode-cwe-tou licenseref-scancode-cximage
    licenseref-scancode-cygwin-exception-2.0 licenseref-scancode-cygwin-exception-3.0
    licenseref-scancode-cygwin-exception-lgpl-3.0-plus licenseref-scancode-cypress-linux-firmware
    licenseref-scancode-cyverse-3-clause-2017 licenseref-scancode-d-fsl-1.0-en licenseref-scancode-d-zlib
    licenseref-scancode-daikon-2022 licenseref-scancode-damail licenseref-scancode-dante-treglia
    licenseref-scancode-databricks-db licenseref-scancode-databricks-dbx-2021
    licenseref-scancode-datamekanix-license licenseref-scancode-day-spec licenseref-scancode-dbad
    licenseref-scancode-dbad-1.1 licenseref-scancode-dbcl-1.0 licenseref-scancode-dbisl-1.0
    licenseref-scancode-dbmx-foss-exception-1.0.9 licenseref-scancode-dbmx-linking-exception-1.0
    licenseref-scancode-dco-1.0 licenseref-scancode-dco-1.1 licenseref-scancode-deepseek-la-1.0
    licenseref-scancode-defensive-patent-1.1 licenseref-scancode-defold-1.0 licenseref-scancode-dejavu-font
    licenseref-scancode-delorie-historical licenseref-scancode-dennis-ferguson licenseref-scancode-devblocks-1.0
    licenseref-scancode-dgraph-cla licenseref-scancode-dhb-lbnl-bsd-2007 licenseref-scancode-dhb-limited-bsd-2015
    licenseref-scancode-dhtmlab-public licenseref-scancode-digia-qt-commercial licenseref-scancode-digia-qt-preview
    licenseref-scancode-divx-open-1.0 licenseref-scancode-divx-open-2.1 licenseref-scancode-djangosnippets-tos
    licenseref-scancode-dl-de-by-1-0-de licenseref-scancode-dl-de-by-1-0-en licenseref-scancode-dl-de-by-2-0-de
    licenseref-scancode-dl-de-by-2-0-en licenseref-scancode-dl-de-by-nc-1-0-de
    licenseref-scancode-dl-de-by-nc-1-0-en licenseref-scancode-dmalloc licenseref-scancode-dmtf-2017
    licenseref-scancode-do-no-harm-0.1 licenseref-scancode-docbook licenseref-scancode-dos32a-extender
    licenseref-scancode-dosa-1.0 licenseref-scancode-douglas-young licenseref-scancode-dpl-1.1
    licenseref-scancode-drl-1.1 licenseref-scancode-dropbear licenseref-scancode-dropbear-2016
    licenseref-scancode-drul-1.0 licenseref-scancode-dtree licenseref-scancode-dual-commercial-gpl
    licenseref-scancode-duende-sla-2022 licenseref-scancode-dumb licenseref-scancode-dune-exception
    licenseref-scancode-dwtfnmfpl-3.0 licenseref-scancode-dynamic-drive-tou licenseref-scancode-dynarch-developer
    licenseref-scancode-dynarch-linkware licenseref-scancode-ecfonts-1.0 licenseref-scancode-eclipse-sua-2001
    licenseref-scancode-eclipse-sua-2002 licenseref-scancode-eclipse-sua-2003 licenseref-scancode-eclipse-sua-2004
    licenseref-scancode-eclipse-sua-2005 licenseref-scancode-eclipse-sua-2010 licenseref-scancode-eclipse-sua-2011
    licenseref-scancode-eclipse-sua-2014 licenseref-scancode-eclipse-sua-2014-11
    licenseref-scancode-eclipse-sua-2017 licenseref-scancode-eclipse-tck-1.1 licenseref-scancode-ecma-documentation
    licenseref-scancode-ecma-no-patent licenseref-scancode-ecma-patent-coc-0 licenseref-scancode-ecma-patent-coc-1
    licenseref-scancode-ecma-patent-coc-2 licenseref-scancode-ecma-standard-copyright-2024
    licenseref-scancode-ecosrh-1.0 licenseref-scancode-edrdg-2000 licenseref-scancode-efsl-1.0
    licenseref-scancode-efsl-2.0 licenseref-scancode-egenix-1.0.0 licenseref-scancode-egrappler
    licenseref-scancode-ej-technologies-eula licenseref-scancode-ekiga-exception-2.0-plus licenseref-scancode-ekioh
    licenseref-scancode-elastic-license-2018 licenseref-scancode-elastic-license-v2 licenseref-scancode-elib-gpl
    licenseref-scancode-elixir-trademark-policy licenseref-scancode-ellis-lab
    licenseref-scancode-embedthis-evaluation licenseref-scancode-embedthis-extension
    licenseref-scancode-embedthis-tou-2022 licenseref-scancode-emit licenseref-scancode-emx-library
    licenseref-scancode-energyplus-2023 licenseref-scancode-energyplus-bsd licenseref-scancode-enhydra-1.1
    licenseref-scancode-epaperpress licenseref-scancode-epo-osl-2005.1 licenseref-scancode-epson-avasys-pl-2008
    licenseref-scancode-epson-linux-sla-2023 licenseref-scancode-eqvsl-1.0 licenseref-scancode-eric-glass
    licenseref-scancode-errbot-exception licenseref-scancode-esri licenseref-scancode-esri-devkit
    licenseref-scancode-etalab-2.0 licenseref-scancode-etalab-2.0-en licenseref-scancode-etalab-2.0-fr
    licenseref-scancode-examdiff licenseref-scancode-exaone-ai-model-1.1-nc
    licenseref-scancode-excelsior-jet-runtime licenseref-scancode-exception-3.0 licenseref-scancode-fabien-tassin
    licenseref-scancode-fabric-agreement-2017 licenseref-scancode-facebook-nuclide
    licenseref-scancode-facebook-patent-rights-2 licenseref-scancode-facebook-software-license
    licenseref-scancode-fair-ai-public-1.0 licenseref-scancode-fair-ai-public-1.0-sd
    licenseref-scancode-fair-source-0.9 licenseref-scancode-falcon-2-11b-1.0 licenseref-scancode-fancyzoom
    licenseref-scancode-far-manager-exception licenseref-scancode-fastbuild-2012-2020 licenseref-scancode-fatfs
    licenseref-scancode-fcl-1.0-apache-2.0 licenseref-scancode-fcl-1.0-mit licenseref-scancode-ffsl-1
    licenseref-scancode-fftpack-2004 licenseref-scancode-filament-group-mit licenseref-scancode-first-epss-usage
    licenseref-scancode-first-works-appreciative-1.2 licenseref-scancode-flex-2.5 licenseref-scancode-flex2sdk
    licenseref-scancode-flora-1.1 licenseref-scancode-flowcrypt-1.0 licenseref-scancode-flowcrypt-1.1
    licenseref-scancode-flowcrypt-1.2 licenseref-scancode-flowplayer-gpl-3.0 licenseref-scancode-flux-1-nc
    licenseref-scancode-font-alias licenseref-scancode-foobar2000 licenseref-scancode-fpdf licenseref-scancode-fpl
    licenseref-scancode-fplot licenseref-scancode-fraunhofer-fdk-aac-codec
    licenseref-scancode-fraunhofer-iso-14496-10 licenseref-scancode-free-art-1.3 licenseref-scancode-free-fork
    licenseref-scancode-free-surfer-1.0 licenseref-scancode-free-unknown licenseref-scancode-freebsd-boot
    licenseref-scancode-freebsd-doc licenseref-scancode-freebsd-first licenseref-scancode-freemarker
    licenseref-scancode-freertos-mit licenseref-scancode-freetts licenseref-scancode-freetype-patent
    licenseref-scancode-froala-owdl-1.0 licenseref-scancode-frontier-1.0 licenseref-scancode-fsf-notice
    licenseref-scancode-fsf-regex-gpl licenseref-scancode-fsf-unlimited-no-warranty
    licenseref-scancode-fsl-1.0-apache-2.0 licenseref-scancode-fsl-1.0-mit licenseref-scancode-fsl-1.1-apache-2.0
    licenseref-scancode-fsl-1.1-mit licenseref-scancode-ftdi licenseref-scancode-ftpbean
    licenseref-scancode-fujion-exception-to-apache-2.0 licenseref-scancode-futo-sfl-1.0
    licenseref-scancode-g10-permissive licenseref-scancode-gareth-mccaughan licenseref-scancode-gary-s-brown
    licenseref-scancode-gatling-highcharts licenseref-scancode-gaussian-splatting-2024
    licenseref-scancode-gcc-compiler-exception-2.0 licenseref-scancode-gcc-exception-3.0
    licenseref-scancode-gcel-2022 licenseref-scancode-gco-v3.0 licenseref-scancode-gdcl
    licenseref-scancode-geant4-sl-1.0 licenseref-scancode-gemma-tou-2024-04-01
    licenseref-scancode-generaluser-gs-2.0 licenseref-scancode-generic-amiwm licenseref-scancode-generic-cla
    licenseref-scancode-generic-exception licenseref-scancode-generic-export-compliance
    licenseref-scancode-generic-loop licenseref-scancode-generic-tos licenseref-scancode-generic-trademark
    licenseref-scancode-genivia-gsoap licenseref-scancode-genode-agpl-3.0-exception
    licenseref-scancode-geoff-kuenning-1993 licenseref-scancode-geogebra-ncla-2022
    licenseref-scancode-geoserver-exception-2.0-plus licenseref-scancode-ghostpdl-permissive
    licenseref-scancode-ghostscript-1988 licenseref-scancode-gigablast-apache-2.0-exception
    licenseref-scancode-github-codeql-terms-2020 licenseref-scancode-gitlab-ee
    licenseref-scancode-gitleaks-action-eula licenseref-scancode-gitpod-self-hosted-free-2020
    licenseref-scancode-gladman-older-rijndael-code licenseref-scancode-gladman-older-rijndael-code-use
    licenseref-scancode-glut licenseref-scancode-gnu-emacs-gpl-1985 licenseref-scancode-gnu-emacs-gpl-1988
    licenseref-scancode-goahead licenseref-scancode-good-boy licenseref-scancode-google-analytics-tos
    licenseref-scancode-google-analytics-tos-2015 licenseref-scancode-google-analytics-tos-2016
    licenseref-scancode-google-analytics-tos-2019 licenseref-scancode-google-apis-tos-2021
    licenseref-scancode-google-cla licenseref-scancode-google-corporate-cla
    licenseref-scancode-google-maps-tos-2018-02-07 licenseref-scancode-google-maps-tos-2018-05-01
    licenseref-scancode-google-maps-tos-2018-06-07 licenseref-scancode-google-maps-tos-2018-07-09
    licenseref-scancode-google-maps-tos-2018-07-19 licenseref-scancode-google-maps-tos-2018-10-01
    licenseref-scancode-google-maps-tos-2018-10-31 licenseref-scancode-google-maps-tos-2019-05-02
    licenseref-scancode-google-maps-tos-2019-11-21 licenseref-scancode-google-maps-tos-2020-04-02
    licenseref-scancode-google-maps-tos-2020-04-27 licenseref-scancode-google-maps-tos-2020-05-06
    licenseref-scancode-google-ml-kit-tos-2022 licenseref-scancode-google-patent-license
    licenseref-scancode-google-patent-license-fuchsia licenseref-scancode-google-patent-license-golang
    licenseref-scancode-google-patent-license-webm licenseref-scancode-google-patent-license-webrtc
    licenseref-scancode-google-playcore-sdk-tos-2020 licenseref-scancode-google-tos-2013
    licenseref-scancode-google-tos-2014 licenseref-scancode-google-tos-2017 licenseref-scancode-google-tos-2019
    licenseref-scancode-google-tos-2020 licenseref-scancode-gpl-2.0-adaptec licenseref-scancode-gpl-2.0-djvu
    licenseref-scancode-gpl-2.0-koterov licenseref-scancode-gpl-generic-additional-terms
    licenseref-scancode-gradle-enterprise-sla-2022-11- licenseref-scancode-gradle-tou-2022-01-13
    licenseref-scancode-graphics-gems licenseref-scancode-greg-roelofs licenseref-scancode-gregory-pietsch
    licenseref-scancode-gretelai-sal-1.0 licenseref-scancode-gsap-standard-no-charge-2025
    licenseref-scancode-gsoap-1.3a licenseref-scancode-gstreamer-exception-2.0 licenseref-scancode-gtpl-v1
    licenseref-scancode-gtpl-v2 licenseref-scancode-gtpl-v3 licenseref-scancode-guile-exception-2.0
    licenseref-scancode-gumroad-cl-1.0 licenseref-scancode-gust-font-1.0 licenseref-scancode-gust-font-2006-09-30
    licenseref-scancode-gutenberg-2020 licenseref-scancode-h2-1.0 licenseref-scancode-hacking-license
    licenseref-scancode-hacos-1.2 licenseref-scancode-happy-bunny licenseref-scancode-hauppauge-firmware-eula
    licenseref-scancode-hauppauge-firmware-oem licenseref-scancode-hazelcast-community-1.0 licenseref-scancode-hdf4
    licenseref-scancode-hdf5 licenseref-scancode-hdparm licenseref-scancode-helios-eula licenseref-scancode-helix
    licenseref-scancode-here-disclaimer licenseref-scancode-here-proprietary licenseref-scancode-hessla
    licenseref-scancode-hfoil-1.0 licenseref-scancode-hidapi licenseref-scancode-hippocratic-1.0
    licenseref-scancode-hippocratic-1.1 licenseref-scancode-hippocratic-1.2 licenseref-scancode-hippocratic-2.0
    licenseref-scancode-hippocratic-3.0 licenseref-scancode-historical-ntp licenseref-scancode-homebrewed
    licenseref-scancode-hot-potato licenseref-scancode-houdini licenseref-scancode-hp
    licenseref-scancode-hp-enterprise-eula licenseref-scancode-hp-netperf
    licenseref-scancode-hp-proliant-essentials licenseref-scancode-hp-snmp-pp licenseref-scancode-hp-software-eula
    licenseref-scancode-hp-ux-java licenseref-scancode-hp-ux-jre licenseref-scancode-html5
    licenseref-scancode-httpget licenseref-scancode-huggingface-tos-20220915 licenseref-scancode-hugo
    licenseref-scancode-hxd licenseref-scancode-hyperclova-x-seed-2025 licenseref-scancode-ian-kaplan
    licenseref-scancode-ian-piumarta licenseref-scancode-ibm-as-is licenseref-scancode-ibm-data-server-2011
    licenseref-scancode-ibm-developerworks-community licenseref-scancode-ibm-developerworks-community-download
    licenseref-scancode-ibm-dhcp licenseref-scancode-ibm-employee-written licenseref-scancode-ibm-glextrusion
    licenseref-scancode-ibm-icu licenseref-scancode-ibm-java-portlet-spec-2.0 licenseref-scancode-ibm-jre
    licenseref-scancode-ibm-nwsc licenseref-scancode-ibm-sample licenseref-scancode-ibpp licenseref-scancode-ic-1.0
    licenseref-scancode-ic-shared-1.0 licenseref-scancode-icann-public licenseref-scancode-ice-exception-2.0
    licenseref-scancode-icot-free licenseref-scancode-idt-notice licenseref-scancode-ietf
    licenseref-scancode-ietf-trust licenseref-scancode-ijg-2020 licenseref-scancode-ilmid
    licenseref-scancode-imagen licenseref-scancode-independent-module-linking-exception
    licenseref-scancode-indiana-extreme licenseref-scancode-indie-module-linking-exception
    licenseref-scancode-infineon-free licenseref-scancode-info-zip-1997-10 licenseref-scancode-info-zip-2001-01
    licenseref-scancode-info-zip-2002-02 licenseref-scancode-info-zip-2003-05 licenseref-scancode-info-zip-2004-05
    licenseref-scancode-info-zip-2005-02 licenseref-scancode-info-zip-2007-03 licenseref-scancode-info-zip-2009-01
    licenseref-scancode-infonode-1.1 licenseref-scancode-initial-developer-public licenseref-scancode-inner-net-2.0
    licenseref-scancode-inno-setup licenseref-scancode-inria-compcert licenseref-scancode-inria-icesl
    licenseref-scancode-inria-linking-exception licenseref-scancode-inria-zelus licenseref-scancode-installsite
    licenseref-scancode-intel licenseref-scancode-intel-bcl licenseref-scancode-intel-bsd
    licenseref-scancode-intel-bsd-2-clause licenseref-scancode-intel-code-samples
    licenseref-scancode-intel-confidential licenseref-scancode-intel-firmware
    licenseref-scancode-intel-master-eula-sw-dev-2016 licenseref-scancode-intel-material
    licenseref-scancode-intel-mcu-2018 licenseref-scancode-intel-microcode licenseref-scancode-intel-osl-1989
    licenseref-scancode-intel-osl-1993 licenseref-scancode-intel-royalty-free
    licenseref-scancode-intel-sample-source-code-2015 licenseref-scancode-intel-scl
    licenseref-scancode-iolib-exception-2.0 licenseref-scancode-iozone licenseref-scancode-ipca
    licenseref-scancode-iptc-2006 licenseref-scancode-irfanview-eula licenseref-scancode-iso-14496-10
    licenseref-scancode-iso-8879 licenseref-scancode-iso-recorder licenseref-scancode-isotope-cla
    licenseref-scancode-issl-2018 licenseref-scancode-issl-2022 licenseref-scancode-itc-eula
    licenseref-scancode-itu licenseref-scancode-itu-t licenseref-scancode-itu-t-gpl licenseref-scancode-itunes
    licenseref-scancode-ja-sig licenseref-scancode-jahia-1.3.1 licenseref-scancode-jam
    licenseref-scancode-jam-stapl licenseref-scancode-jamon licenseref-scancode-jason-mayes
    licenseref-scancode-jasper-1.0 licenseref-scancode-java-app-stub licenseref-scancode-java-research-1.5
    licenseref-scancode-java-research-1.6 licenseref-scancode-javascript-exception-2.0
    licenseref-scancode-jboss-eula licenseref-scancode-jdbm-1.00 licenseref-scancode-jdom
    licenseref-scancode-jelurida-public-1.1 licenseref-scancode-jetbrains-purchase-terms
    licenseref-scancode-jetbrains-toolbox-open-source-3 licenseref-scancode-jetbrains-toolbox-oss-3
    licenseref-scancode-jetty licenseref-scancode-jetty-ccla-1.1 licenseref-scancode-jgraph
    licenseref-scancode-jgraph-general licenseref-scancode-jide-sla licenseref-scancode-jj2000
    licenseref-scancode-jmagnetic licenseref-scancode-joinbase-cela-2022
    licenseref-scancode-joplin-server-personal-v1 licenseref-scancode-josl-1.0 licenseref-scancode-jpegxr
    licenseref-scancode-jpnic-mdnkit licenseref-scancode-jprs-oscl-1.1 licenseref-scancode-jpython-1.1
    licenseref-scancode-jquery-pd licenseref-scancode-jrunner licenseref-scancode-jscheme
    licenseref-scancode-jsel-2.0 licenseref-scancode-jsfromhell licenseref-scancode-json-js-pd
    licenseref-scancode-json-pd licenseref-scancode-jsr-107-jcache-spec
    licenseref-scancode-jsr-107-jcache-spec-2013 licenseref-scancode-jython licenseref-scancode-kalle-kaukonen
    licenseref-scancode-karl-peterson licenseref-scancode-katharos-0.1.0 licenseref-scancode-katharos-0.2.0
    licenseref-scancode-kde-accepted-gpl licenseref-scancode-kde-accepted-lgpl licenseref-scancode-keep-ee-2024
    licenseref-scancode-keith-rule licenseref-scancode-kerberos licenseref-scancode-kevan-stannard
    licenseref-scancode-kevlin-henney licenseref-scancode-keypirinha
    licenseref-scancode-kfgqpc-uthmanic-script-hafs licenseref-scancode-kfqf-accepted-gpl
    licenseref-scancode-khronos licenseref-scancode-ko-man-page licenseref-scancode-kreative-relay-fonts-free-1.2f
    licenseref-scancode-kreative-relay-fonts-free-use-1.2f licenseref-scancode-kumar-robotics
    licenseref-scancode-la-opt-nxp-v51-2023 licenseref-scancode-lance-norskog-license
    licenseref-scancode-lanl-bsd-3-variant licenseref-scancode-larabie licenseref-scancode-lattice-osl-2017
    licenseref-scancode-lavantech licenseref-scancode-lcs-telegraphics licenseref-scancode-ldap-sdk-free-use
    licenseref-scancode-ldpc-1994 licenseref-scancode-ldpc-1997 licenseref-scancode-ldpc-1999
    licenseref-scancode-ldpgpl-1 licenseref-scancode-ldpgpl-1a licenseref-scancode-ldpl-2.0
    licenseref-scancode-ldpm-1998 licenseref-scancode-leap-motion-sdk-2019 licenseref-scancode-lens-tos-2023
    licenseref-scancode-lgpl-3-plus-linking licenseref-scancode-lha licenseref-scancode-liberation-font-exception
    licenseref-scancode-libgd-2018 licenseref-scancode-libgeotiff licenseref-scancode-libmib
    licenseref-scancode-libmng-2007 licenseref-scancode-libpbm licenseref-scancode-librato-exception
    licenseref-scancode-libselinux-pd licenseref-scancode-libsrv-1.0.2
    licenseref-scancode-libticables2-exception-gpl-2.0 licenseref-scancode-libtool-exception-lgpl
    licenseref-scancode-libwebsockets-exception licenseref-scancode-libzip licenseref-scancode-liferay-ee
    licenseref-scancode-liferay-marketplace-tos licenseref-scancode-lil-1 licenseref-scancode-lilo
    licenseref-scancode-linking-exception-2.0-plus licenseref-scancode-linking-exception-2.1-plus
    licenseref-scancode-linking-exception-agpl-3.0 licenseref-scancode-linking-exception-lgpl-2.0-plus
    licenseref-scancode-linking-exception-lgpl-2.0plus licenseref-scancode-linking-exception-lgpl-3.0
    licenseref-scancode-linotype-eula licenseref-scancode-linux-device-drivers licenseref-scancode-linuxbios
    licenseref-scancode-linuxhowtos licenseref-scancode-llama-2-license-2023
    licenseref-scancode-llama-3.1-license-2024 licenseref-scancode-llama-3.2-license-2024
    licenseref-scancode-llama-3.3-license-2024 licenseref-scancode-llama-4-cla-2025
    licenseref-scancode-llama-4-license-2025 licenseref-scancode-llama-license-2023 licenseref-scancode-llgpl
    licenseref-scancode-llnl licenseref-scancode-lmbench-exception-2.0 licenseref-scancode-logica-1.0
    licenseref-scancode-lontium-linux-firmware licenseref-scancode-losla licenseref-scancode-lsi-proprietary-eula
    licenseref-scancode-ltxv-owl-2025-04-17 licenseref-scancode-ltxv-owl-2025-05-05 licenseref-scancode-lucre
    licenseref-scancode-lumisoft-mail-server licenseref-scancode-luxi licenseref-scancode-lyubinskiy-dropdown
    licenseref-scancode-lyubinskiy-popup-window licenseref-scancode-lzma-sdk-2006
    licenseref-scancode-lzma-sdk-2006-exception licenseref-scancode-lzma-sdk-2008
    licenseref-scancode-lzma-sdk-original licenseref-scancode-lzma-sdk-pd licenseref-scancode-m-plus
    licenseref-scancode-magpie-exception-1.0 licenseref-scancode-make-human-exception licenseref-scancode-mame
    licenseref-scancode-manfred-klein-fonts-tos licenseref-scancode-mapbox-tos-2021
    licenseref-scancode-mapbox-tos-2024 licenseref-scancode-markus-kuhn-license
    licenseref-scancode-markus-mummert-permissive licenseref-scancode-martin-birgmeier
    licenseref-scancode-marvell-firmware licenseref-scancode-marvell-firmware-2019
    licenseref-scancode-matplotlib-1.3.0 licenseref-scancode-matt-gallagher-attribution
    licenseref-scancode-mattermost-sal-2024 licenseref-scancode-matthew-kwan
    licenseref-scancode-matthew-welch-font-license licenseref-scancode-mattkruse
    licenseref-scancode-max-mojo-community-20240828 licenseref-scancode-maxmind-geolite2-eula-2019
    licenseref-scancode-maxmind-odl licenseref-scancode-mcafee-tou licenseref-scancode-mcrae-pl-4-r53
    licenseref-scancode-mdl-2021 licenseref-scancode-mediainfo-lib licenseref-scancode-mediatek-firmware
    licenseref-scancode-mediatek-no-warranty licenseref-scancode-mediatek-proprietary-2005
    licenseref-scancode-mediatek-proprietary-2008 licenseref-scancode-mediatek-proprietary-2010
    licenseref-scancode-mediatek-proprietary-2016 licenseref-scancode-mediatek-proprietary-2020
    licenseref-scancode-melange licenseref-scancode-menuet64-2024 licenseref-scancode-merit-network-derivative
    licenseref-scancode-metageek-inssider-eula licenseref-scancode-metrolink-1.0 licenseref-scancode-mgb-1.0
    licenseref-scancode-mgopen-font-license licenseref-scancode-michael-barr
    licenseref-scancode-michigan-disclaimer licenseref-scancode-microchip-enc28j60-2009
    licenseref-scancode-microchip-linux-firmware licenseref-scancode-microchip-pk2cmd-2009
    licenseref-scancode-microchip-products-2018 licenseref-scancode-microsoft-enterprise-library-eula
    licenseref-scancode-microsoft-windows-rally-devkit licenseref-scancode-mike95 licenseref-scancode-minecraft-mod
    licenseref-scancode-mini-xml-exception-lgpl-2.0 licenseref-scancode-minpack licenseref-scancode-mit-1995
    licenseref-scancode-mit-addition licenseref-scancode-mit-kyle-restrictions licenseref-scancode-mit-license-1998
    licenseref-scancode-mit-modern licenseref-scancode-mit-modification-obligations licenseref-scancode-mit-nagy
    licenseref-scancode-mit-no-advert-export-control licenseref-scancode-mit-no-trademarks
    licenseref-scancode-mit-old-style licenseref-scancode-mit-old-style-sparse licenseref-scancode-mit-proprietary
    licenseref-scancode-mit-readme licenseref-scancode-mit-specification-disclaimer
    licenseref-scancode-mit-synopsys licenseref-scancode-mit-taylor-variant
    licenseref-scancode-mit-veillard-variant licenseref-scancode-mit-with-modification-obligations
    licenseref-scancode-mit-xfig licenseref-scancode-mldonkey-exception-gpl-2.0 licenseref-scancode-mod-dav-1.0
    licenseref-scancode-moderne-sala-2024 licenseref-scancode-monetdb-1.1 licenseref-scancode-monkeysaudio
    licenseref-scancode-morbig-ieee-std-usage licenseref-scancode-motorola licenseref-scancode-mov-ai-1.0
    licenseref-scancode-moxa-linux-firmware licenseref-scancode-mozilla-gc licenseref-scancode-mozilla-ospl-1.0
    licenseref-scancode-mpeg-7 licenseref-scancode-mpeg-iso licenseref-scancode-mpeg-ssg
    licenseref-scancode-ms-api-code-pack-net licenseref-scancode-ms-asp-net-ajax-supp-terms
    licenseref-scancode-ms-asp-net-ajax-supplemental-terms licenseref-scancode-ms-asp-net-mvc3
    licenseref-scancode-ms-asp-net-mvc4 licenseref-scancode-ms-asp-net-mvc4-extensions
    licenseref-scancode-ms-asp-net-software licenseref-scancode-ms-asp-net-tools-pre-release
    licenseref-scancode-ms-asp-net-web-optimization licenseref-scancode-ms-asp-net-web-optimization-framework
    licenseref-scancode-ms-asp-net-web-pages-2 licenseref-scancode-ms-asp-net-web-pages-templates
    licenseref-scancode-ms-azure-data-studio licenseref-scancode-ms-azure-rtos-2020-05
    licenseref-scancode-ms-azure-rtos-2020-07 licenseref-scancode-ms-azure-rtos-2023-05
    licenseref-scancode-ms-azure-spatialanchors-2.9.0 licenseref-scancode-ms-capicom licenseref-scancode-ms-cl
    licenseref-scancode-ms-cla licenseref-scancode-ms-container-eula licenseref-scancode-ms-control-spy-2.0
    licenseref-scancode-ms-data-tier-af-2022 licenseref-scancode-ms-dev-services-2018-06
    licenseref-scancode-ms-dev-services-agreement licenseref-scancode-ms-developer-services-agreement
    licenseref-scancode-ms-developer-services-agreement-2018-06 licenseref-scancode-ms-device-emulator-3.0
    licenseref-scancode-ms-direct3d-d3d120n7-1.1.0 licenseref-scancode-ms-directx-sdk-eula
    licenseref-scancode-ms-directx-sdk-eula-2020 licenseref-scancode-ms-dxsdk-d3dx-9.29.952.3
    licenseref-scancode-ms-edge-devtools-2022 licenseref-scancode-ms-edge-webview2
    licenseref-scancode-ms-edge-webview2-fixed licenseref-scancode-ms-enterprise-library-eula
    licenseref-scancode-ms-entity-framework-4.1 licenseref-scancode-ms-entity-framework-5
    licenseref-scancode-ms-eula-win-script-host licenseref-scancode-ms-exchange-server-2010-sp2-sdk
    licenseref-scancode-ms-exchange-srv-2010-sp2-sdk licenseref-scancode-ms-iis-container-eula-2020
    licenseref-scancode-ms-iis-container-images-eula-2020 licenseref-scancode-ms-ilmerge
    licenseref-scancode-ms-invisible-eula-1.0 licenseref-scancode-ms-jdbc-driver-40-sql-server
    licenseref-scancode-ms-jdbc-driver-41-sql-server licenseref-scancode-ms-jdbc-driver-60-sql-server
    licenseref-scancode-ms-kinext-win-sdk licenseref-scancode-ms-limited-community licenseref-scancode-ms-lpl
    licenseref-scancode-ms-msn-webgrease licenseref-scancode-ms-net-framework-4-supp-terms
    licenseref-scancode-ms-net-framework-4-supplemental-terms licenseref-scancode-ms-net-framework-deployment
    licenseref-scancode-ms-net-library licenseref-scancode-ms-net-library-2016-05
    licenseref-scancode-ms-net-library-2018-11 licenseref-scancode-ms-net-library-2019-06
    licenseref-scancode-ms-net-library-2020-09 licenseref-scancode-ms-nt-resource-kit licenseref-scancode-ms-nuget
    licenseref-scancode-ms-nuget-package-manager licenseref-scancode-ms-office-extensible-file
    licenseref-scancode-ms-office-system-programs-eula licenseref-scancode-ms-opus-patent-2012
    licenseref-scancode-ms-patent-promise licenseref-scancode-ms-patent-promise-mono
    licenseref-scancode-ms-platform-sdk licenseref-scancode-ms-pre-release-sla-2023
    licenseref-scancode-ms-programsynthesis-7.22.0 licenseref-scancode-ms-python-vscode-pylance-2021
    licenseref-scancode-ms-reactive-extensions-eula licenseref-scancode-ms-remote-ndis-usb-kit
    licenseref-scancode-ms-research-shared-source licenseref-scancode-ms-rndis licenseref-scancode-ms-rsl
    licenseref-scancode-ms-silverlight-3 licenseref-scancode-ms-specification
    licenseref-scancode-ms-sql-server-compact-4.0 licenseref-scancode-ms-sql-server-data-tools
    licenseref-scancode-ms-sspl licenseref-scancode-ms-sysinternals-sla licenseref-scancode-ms-testplatform-17.0.0
    licenseref-scancode-ms-ttf-eula licenseref-scancode-ms-typescript-msbuild-4.1.4
    licenseref-scancode-ms-visual-2008-runtime licenseref-scancode-ms-visual-2010-runtime
    licenseref-scancode-ms-visual-2015-sdk licenseref-scancode-ms-visual-cpp-2015-runtime
    licenseref-scancode-ms-visual-studio-2017 licenseref-scancode-ms-visual-studio-2017-tools
    licenseref-scancode-ms-visual-studio-code licenseref-scancode-ms-visual-studio-code-2018
    licenseref-scancode-ms-visual-studio-code-2022 licenseref-scancode-ms-vs-addons-ext-17.2.0
    licenseref-scancode-ms-web-developer-tools-1.0 licenseref-scancode-ms-win-container-eula-2020
    licenseref-scancode-ms-win-sdk-server-2008-net-3.5
    licenseref-scancode-ms-windows-container-base-image-eula-2020 licenseref-scancode-ms-windows-driver-kit
    licenseref-scancode-ms-windows-identity-foundation licenseref-scancode-ms-windows-os-2018
    licenseref-scancode-ms-windows-sdk-server-2008-net-3.5 licenseref-scancode-ms-windows-sdk-win10
    licenseref-scancode-ms-windows-sdk-win10-net-6 licenseref-scancode-ms-windows-sdk-win7-net-4
    licenseref-scancode-ms-windows-server-2003-ddk licenseref-scancode-ms-windows-server-2003-sdk
    licenseref-scancode-ms-ws-routing-spec licenseref-scancode-ms-xamarin-uitest3.2.0
    licenseref-scancode-ms-xml-core-4.0 licenseref-scancode-msdn-magazine-sample-code-2007
    licenseref-scancode-msj-sample-code licenseref-scancode-msntp licenseref-scancode-msppl
    licenseref-scancode-mstar-2007 licenseref-scancode-mstar-2012 licenseref-scancode-mtx-licensing-statement
    licenseref-scancode-mui-x-eula-2024 licenseref-scancode-mulanpsl-1.0-en licenseref-scancode-mulanpsl-2.0-en
    licenseref-scancode-mulanpubl-1.0 licenseref-scancode-mulanpubl-2.0 licenseref-scancode-mule-source-1.1.3
    licenseref-scancode-mule-source-1.1.4 licenseref-scancode-mulle-kybernetik
    licenseref-scancode-musescore-exception-gpl-2.0 licenseref-scancode-musl-exception
    licenseref-scancode-mut-license licenseref-scancode-mvt-1.1 licenseref-scancode-mx4j
    licenseref-scancode-mysql-con-odbc-exception-2.0 licenseref-scancode-mysql-connector-odbc-exception-2.0
    licenseref-scancode-mysql-floss-exception-2.0 licenseref-scancode-mysql-linking-exception-2018
    licenseref-scancode-n8n-ee-2022 licenseref-scancode-naist-2003 licenseref-scancode-nanoporetech-public-1.0
    licenseref-scancode-nant-exception-2.0-plus licenseref-scancode-naughter licenseref-scancode-ncbi
    licenseref-scancode-ncsa-httpd-1995 licenseref-scancode-nero-eula licenseref-scancode-net-snmp
    licenseref-scancode-netapp-sdk-aug2020 licenseref-scancode-netcat licenseref-scancode-netcomponents
    licenseref-scancode-netdata-ncul1 licenseref-scancode-netron licenseref-scancode-netronome-firmware
    licenseref-scancode-new-relic licenseref-scancode-new-relic-1.0 licenseref-scancode-newlib-historical
    licenseref-scancode-newran licenseref-scancode-newton-king-cla licenseref-scancode-nexb-eula-saas-1.1.0
    licenseref-scancode-nexb-ssla-1.1.0 licenseref-scancode-nice licenseref-scancode-nicta-exception
    licenseref-scancode-nicta-psl licenseref-scancode-niels-ferguson licenseref-scancode-nilsson-historical
    licenseref-scancode-nist-nvd-api-tou licenseref-scancode-nist-srd licenseref-scancode-no-license
    licenseref-scancode-node-js licenseref-scancode-non-violent-4.0 licenseref-scancode-non-violent-7.0
    licenseref-scancode-nonexclusive licenseref-scancode-nortel-dasa licenseref-scancode-northwoods-evaluation-2024
    licenseref-scancode-northwoods-sla-2021 licenseref-scancode-northwoods-sla-2024 licenseref-scancode-notre-dame
    licenseref-scancode-npsl-exception-0.92 licenseref-scancode-npsl-exception-0.93
    licenseref-scancode-npsl-exception-0.94 licenseref-scancode-npsl-exception-0.95
    licenseref-scancode-nrl-permission licenseref-scancode-ntlm licenseref-scancode-ntpl-origin
    licenseref-scancode-nucleusicons-eula licenseref-scancode-numerical-recipes-notice licenseref-scancode-nvidia
    licenseref-scancode-nvidia-2002 licenseref-scancode-nvidia-apex-sdk-eula-2011
    licenseref-scancode-nvidia-cuda-supplement-2020 licenseref-scancode-nvidia-dlc-2021
    licenseref-scancode-nvidia-gov licenseref-scancode-nvidia-isaac-eula-2019.1
    licenseref-scancode-nvidia-nccl-sla-2016 licenseref-scancode-nvidia-ngx-eula-2019
    licenseref-scancode-nvidia-open-model-2025-04-28 licenseref-scancode-nvidia-sdk-12.8
    licenseref-scancode-nvidia-sdk-eula-v0.11 licenseref-scancode-nvidia-video-codec-agreement
    licenseref-scancode-nwhm licenseref-scancode-nxlog-public-license-1.0 licenseref-scancode-nxp-firmware-patent
    licenseref-scancode-nxp-linux-firmware licenseref-scancode-nxp-mc-firmware
    licenseref-scancode-nxp-microcontroller-proprietary licenseref-scancode-nxp-microctl-proprietary
    licenseref-scancode-nxp-warranty-disclaimer licenseref-scancode-nysl-0.9982 licenseref-scancode-nysl-0.9982-jp
    licenseref-scancode-o-young-jong licenseref-scancode-oasis-ipr-2013 licenseref-scancode-oasis-ipr-policy-2014
    licenseref-scancode-oasis-ws-security-spec licenseref-scancode-object-form-exception-to-mit
    licenseref-scancode-obsidian-tos-2025 licenseref-scancode-ocamlpro-nc-v1
    licenseref-scancode-ocb-non-military-2013 licenseref-scancode-ocb-open-source-2013
    licenseref-scancode-ocb-patent-openssl-2013 licenseref-scancode-oclc-1.0 licenseref-scancode-ocsl-1.0
    licenseref-scancode-octl-0.21 licenseref-scancode-oculus-sdk licenseref-scancode-oculus-sdk-2020
    licenseref-scancode-oculus-sdk-3.5 licenseref-scancode-odb-cpl licenseref-scancode-odb-fpl
    licenseref-scancode-odb-ncuel licenseref-scancode-odc-1.0 licenseref-scancode-odin-2000 licenseref-scancode-odl
    licenseref-scancode-odmg licenseref-scancode-ofrak-community-1.0 licenseref-scancode-ofrak-community-1.1
    licenseref-scancode-ofrak-pro-1.0 licenseref-scancode-ogc licenseref-scancode-ogc-document-2020
    licenseref-scancode-ogl-1.0a licenseref-scancode-ogl-canada-2.0-fr licenseref-scancode-ogl-wpd-3.0
    licenseref-scancode-ohdl-1.0 licenseref-scancode-okl licenseref-scancode-oknosoft-2021
    licenseref-scancode-olf-ccla-1.0 licenseref-scancode-olf-icla-1.0 licenseref-scancode-oll-1.0
    licenseref-scancode-omg-bpmn-2.0 licenseref-scancode-on2-patent licenseref-scancode-onezoom-np-sal-v1
    licenseref-scancode-ooura-2001 licenseref-scancode-open-aleph-1.0 licenseref-scancode-open-diameter
    licenseref-scancode-open-webui-2025 licenseref-scancode-open-weights-permissive-1.0.0
    licenseref-scancode-openai-tou-20230314 licenseref-scancode-openai-tou-20241211
    licenseref-scancode-openbd-exception-3.0 licenseref-scancode-opencarp-1.0 licenseref-scancode-opengroup-pl
    licenseref-scancode-openi-pl-1.0 licenseref-scancode-openjdk-classpath-exception-2.0
    licenseref-scancode-openjdk-classpath-exception2.0 licenseref-scancode-openjdk-exception
    licenseref-scancode-openmap licenseref-scancode-openmarket-fastcgi licenseref-scancode-openmdw-1.0
    licenseref-scancode-openmotif-exception-2.0-plus licenseref-scancode-openmrs-exception-to-mpl-2.0
    licenseref-scancode-opennetcf-shared-source licenseref-scancode-openorb-1.0
    licenseref-scancode-openpace-exception-gpl licenseref-scancode-openpbs-2.3 licenseref-scancode-openpub
    licenseref-scancode-opensaml-1.0 licenseref-scancode-opensc-openssl-openpace-exception-gpl
    licenseref-scancode-openssl licenseref-scancode-openssl-exception-agpl-3.0
    licenseref-scancode-openssl-exception-agpl-3.0-monit licenseref-scancode-openssl-exception-agpl-3.0-plus
    licenseref-scancode-openssl-exception-agpl3.0monit licenseref-scancode-openssl-exception-agpl3.0plus
    licenseref-scancode-openssl-exception-gpl-2.0 licenseref-scancode-openssl-exception-gpl-2.0-plus
    licenseref-scancode-openssl-exception-gpl-3.0-plus licenseref-scancode-openssl-exception-lgpl
    licenseref-scancode-openssl-exception-lgpl-2.0-plus licenseref-scancode-openssl-exception-lgpl-3.0-plus
    licenseref-scancode-openssl-exception-lgpl2.0plus licenseref-scancode-openssl-exception-lgpl3.0plus
    licenseref-scancode-openssl-exception-mongodb-sspl licenseref-scancode-openssl-nokia-psk-contribution
    licenseref-scancode-openvpn-as-eula licenseref-scancode-openwall-md5-permissive
    licenseref-scancode-opera-eula-2018 licenseref-scancode-opera-eula-eea-2018
    licenseref-scancode-opera-widget-1.0 licenseref-scancode-opl-1.0 licenseref-scancode-opml-1.0
    licenseref-scancode-opnl-1.0 licenseref-scancode-opnl-2.0 licenseref-scancode-oracle-bcl-java-platform-2013
    licenseref-scancode-oracle-bcl-java-platform-2017 licenseref-scancode-oracle-bcl-javaee
    licenseref-scancode-oracle-bcl-javase-javafx-2012 licenseref-scancode-oracle-bcl-javase-javafx-2013
    licenseref-scancode-oracle-bcl-javase-platform-javafx-2013
    licenseref-scancode-oracle-bcl-javase-platform-javafx-2017 licenseref-scancode-oracle-bcl-jsse-1.0.3
    licenseref-scancode-oracle-code-samples-bsd licenseref-scancode-oracle-commercial-database-11g2
    licenseref-scancode-oracle-commercial-db-11g2 licenseref-scancode-oracle-devtools-vsnet-dev
    licenseref-scancode-oracle-entitlement-05-15 licenseref-scancode-oracle-free-2018
    licenseref-scancode-oracle-gftc-2023-06-12 licenseref-scancode-oracle-java-ee-sdk-2010
    licenseref-scancode-oracle-master-agreement licenseref-scancode-oracle-mysql-foss-exception-2.0
    licenseref-scancode-oracle-mysql-foss-exception2.0 licenseref-scancode-oracle-nftc-2021
    licenseref-scancode-oracle-openjdk-classpath-exception-2.0 licenseref-scancode-oracle-openjdk-exception-2.0
    licenseref-scancode-oracle-otn-javase-2019 licenseref-scancode-oracle-sql-developer
    licenseref-scancode-oracle-vb-puel-12 licenseref-scancode-oracle-web-sites-tou
    licenseref-scancode-oreilly-notice licenseref-scancode-os-maintenance-fee-eula
    licenseref-scancode-os4d-1.1-apache-2.0 licenseref-scancode-osf-1990 licenseref-scancode-osgi-spec-2.0
    licenseref-scancode-ossn-3.0 licenseref-scancode-osvdb licenseref-scancode-oswego-concurrent
    licenseref-scancode-other-copyleft licenseref-scancode-other-permissive licenseref-scancode-otn-dev-dist
    licenseref-scancode-otn-dev-dist-2009 licenseref-scancode-otn-dev-dist-2014
    licenseref-scancode-otn-dev-dist-2016 licenseref-scancode-otn-early-adopter-2018
    licenseref-scancode-otn-early-adopter-development licenseref-scancode-otn-standard-2014-09
    licenseref-scancode-otnla-2016-11-30 licenseref-scancode-owal-1.0 licenseref-scancode-owf-cla-1.0-copyright
    licenseref-scancode-owf-cla-1.0-copyright-patent licenseref-scancode-owfa-1.0
    licenseref-scancode-owfa-1.0-patent-only licenseref-scancode-owl-0.9.4 licenseref-scancode-owtchart
    licenseref-scancode-oxygen-xml-dev-eula-2025 licenseref-scancode-oxygen-xml-webhelp-eula
    licenseref-scancode-ozplb-1.0 licenseref-scancode-ozplb-1.1 licenseref-scancode-paint-net
    licenseref-scancode-paolo-messina-2000 licenseref-scancode-paraview-1.2 licenseref-scancode-passive-aggressive
    licenseref-scancode-patent-disclaimer licenseref-scancode-paul-hsieh-derivative
    licenseref-scancode-paul-hsieh-exposition licenseref-scancode-paul-mackerras
    licenseref-scancode-paul-mackerras-binary licenseref-scancode-paul-mackerras-new
    licenseref-scancode-paul-mackerras-simplified licenseref-scancode-paulo-soares
    licenseref-scancode-paypal-sdk-2013-2016 licenseref-scancode-pbl-1.0 licenseref-scancode-pcre
    licenseref-scancode-pd-mit licenseref-scancode-pd-programming licenseref-scancode-pdf-creator-pilot
    licenseref-scancode-pdl-1.0 licenseref-scancode-perl-1.0 licenseref-scancode-peter-deutsch-document
    licenseref-scancode-pfe-proprietary-notice licenseref-scancode-pftijah-1.1 licenseref-scancode-pftus-1.1
    licenseref-scancode-phaser-academic licenseref-scancode-phaser-ccp4 licenseref-scancode-phaser-phenix
    licenseref-scancode-phil-bunce licenseref-scancode-philippe-de-muyter
    licenseref-scancode-philips-proprietary-notice-2000 licenseref-scancode-philips-proprietary-notice2000
    licenseref-scancode-phorum-2.0 licenseref-scancode-php-2.0.2 licenseref-scancode-pine
    licenseref-scancode-pipedream-sal-1.0 licenseref-scancode-pivotal-tou licenseref-scancode-pixabay-content
    licenseref-scancode-planet-source-code licenseref-scancode-plastimatch-1.0
    licenseref-scancode-playground-v2-community licenseref-scancode-plural-20211124 licenseref-scancode-pml-2020
    licenseref-scancode-pngsuite licenseref-scancode-politepix-pl-1.0 licenseref-scancode-polyform-defensive-1.0.0
    licenseref-scancode-polyform-free-trial-1.0.0 licenseref-scancode-polyform-internal-use-1.0.0
    licenseref-scancode-polyform-perimeter-1.0.0 licenseref-scancode-polyform-shield-1.0.0
    licenseref-scancode-polyform-strict-1.0.0 licenseref-scancode-postman-tos-2024
    licenseref-scancode-powervr-tools-software-eula licenseref-scancode-ppp licenseref-scancode-proconx-modbus-rev4
    licenseref-scancode-proguard-exception-2.0 licenseref-scancode-proprietary-license
    licenseref-scancode-prosperity-1.0.1 licenseref-scancode-prosperity-2.0 licenseref-scancode-prosperity-3.0
    licenseref-scancode-protobuf licenseref-scancode-psf-3.7.2 licenseref-scancode-psion-s3aemul
    licenseref-scancode-psion-siemul licenseref-scancode-psion-wrkaemul licenseref-scancode-psytec-freesoft
    licenseref-scancode-public-domain licenseref-scancode-public-domain-disclaimer licenseref-scancode-punycode
    licenseref-scancode-purdue-bsd licenseref-scancode-pybench licenseref-scancode-pycrypto
    licenseref-scancode-pygres-2.2 licenseref-scancode-python-cwi licenseref-scancode-qaplug
    licenseref-scancode-qca-linux-firmware licenseref-scancode-qca-technology
    licenseref-scancode-qcad-exception-gpl licenseref-scancode-qlogic-firmware licenseref-scancode-qlogic-microcode
    licenseref-scancode-qpopper licenseref-scancode-qskinny-exception-lgpl-2.1
    licenseref-scancode-qt-commercial-1.1 licenseref-scancode-qt-commercial-agreement-4.4.1
    licenseref-scancode-qt-company-exception-lgpl-2.1 licenseref-scancode-qt-kde-linking-exception
    licenseref-scancode-qt-qca-exception-2.0 licenseref-scancode-qti-linux-firmware
    licenseref-scancode-quadratic-sal-2024 licenseref-scancode-qualcomm-iso licenseref-scancode-qualcomm-turing
    licenseref-scancode-quickfix-1.0 licenseref-scancode-quicktime licenseref-scancode-quin-street
    licenseref-scancode-quirksmode licenseref-scancode-rackspace licenseref-scancode-radiance-sl-v1.0
    licenseref-scancode-radiance-sl-v2.0 licenseref-scancode-radvd licenseref-scancode-ralink-firmware
    licenseref-scancode-rar-winrar-eula licenseref-scancode-rcsl-2.0 licenseref-scancode-rcsl-3.0
    licenseref-scancode-reactos-exception-gpl-2.0 licenseref-scancode-reading-godiva-2010
    licenseref-scancode-realm-platform-extension-2017 licenseref-scancode-red-hat-attribution
    licenseref-scancode-red-hat-bsd-simplified licenseref-scancode-red-hat-logos
    licenseref-scancode-red-hat-trademarks licenseref-scancode-redis-source-available-1.0
    licenseref-scancode-redpanda-community-la licenseref-scancode-regexp licenseref-scancode-reportbug
    licenseref-scancode-repoze licenseref-scancode-research-disclaimer
    licenseref-scancode-responsible-ai-source-1.0 licenseref-scancode-responsible-ai-source-1.1
    licenseref-scancode-retentioneering-2023 licenseref-scancode-retype-3.7.0 licenseref-scancode-rh-eula
    licenseref-scancode-rh-eula-apache2 licenseref-scancode-rh-eula-gpl2 licenseref-scancode-rh-eula-lgpl
    licenseref-scancode-rh-standard-eula-2019 licenseref-scancode-rh-ubi-eula-2019 licenseref-scancode-ricebsd
    licenseref-scancode-richard-black licenseref-scancode-ril-2019 licenseref-scancode-riverbank-sip
    licenseref-scancode-robert-hubley licenseref-scancode-rockchip-proprietary-2019
    licenseref-scancode-rockchip-proprietary-2022 licenseref-scancode-rockchip-proprietary-2023
    licenseref-scancode-rocket-master-terms-2022 licenseref-scancode-rogue-wave licenseref-scancode-root-cert-3.0
    licenseref-scancode-rrdtool-floss-exception-2.0 licenseref-scancode-rsa-1990 licenseref-scancode-rsa-cryptoki
    licenseref-scancode-rsa-demo licenseref-scancode-rsa-md2 licenseref-scancode-rsa-md4
    licenseref-scancode-rsa-proprietary licenseref-scancode-rsalv2 licenseref-scancode-rtems-exception-2.0
    licenseref-scancode-rtools-util licenseref-scancode-rubyencoder-commercial
    licenseref-scancode-rubyencoder-loader licenseref-scancode-rute licenseref-scancode-rwth-returnn-2024
    licenseref-scancode-rxtx-exception-lgpl-2.1 licenseref-scancode-ryszard-szopa licenseref-scancode-s-lab-1.0
    licenseref-scancode-saas-mit licenseref-scancode-saf licenseref-scancode-safecopy-eula
    licenseref-scancode-salesforcesans-font licenseref-scancode-samba-dc-1.0 licenseref-scancode-san-francisco-font
    licenseref-scancode-sandeep licenseref-scancode-sane-exception-2.0-plus licenseref-scancode-sash
    licenseref-scancode-sata licenseref-scancode-saxix-mit licenseref-scancode-sbia-b
    licenseref-scancode-scancode-acknowledgment licenseref-scancode-scanlogd-license
    licenseref-scancode-scansoft-1.2 licenseref-scancode-scilab-en licenseref-scancode-scilab-fr
    licenseref-scancode-scilba-en licenseref-scancode-scintilla licenseref-scancode-scola-en
    licenseref-scancode-scola-fr licenseref-scancode-scribbles licenseref-scancode-script-asylum
    licenseref-scancode-script-nikhilk licenseref-scancode-scrub licenseref-scancode-scsl-3.0
    licenseref-scancode-scylladb-sla-1.0 licenseref-scancode-secret-labs-2011 licenseref-scancode-selv1
    licenseref-scancode-semaphore-ee-2025 licenseref-scancode-semgrep-registry
    licenseref-scancode-semgrep-rules-1.0 licenseref-scancode-sencha-app-floss-exception
    licenseref-scancode-sencha-commercial licenseref-scancode-sencha-commercial-3.17
    licenseref-scancode-sencha-commercial-3.9 licenseref-scancode-sencha-dev-floss-exception
    licenseref-scancode-service-comp-arch licenseref-scancode-sgi-cid-1.0 licenseref-scancode-sgi-glx-1.0
    licenseref-scancode-sglib licenseref-scancode-sgmlug licenseref-scancode-sh-cla-1.1
    licenseref-scancode-shavlik-eula licenseref-scancode-shital-shah licenseref-scancode-shopify-2024
    licenseref-scancode-siesta-academic-individuals licenseref-scancode-siesta-computer-centres
    licenseref-scancode-signal-gpl-3.0-exception licenseref-scancode-silicon-image-2007
    licenseref-scancode-simpl-1.1 licenseref-scancode-six-labors-split-1.0 licenseref-scancode-skip-2014
    licenseref-scancode-slint-commercial-2.0 licenseref-scancode-slint-royalty-free-1.0
    licenseref-scancode-slysoft-eula licenseref-scancode-smail-gpl licenseref-scancode-smartlabs-freeware
    licenseref-scancode-smsc-non-commercial-2012 licenseref-scancode-snapeda-design-exception-1.0
    licenseref-scancode-snmp4j-smi licenseref-scancode-snort-subscriber-rules-3.1
    licenseref-scancode-snowplow-cla-1.0 licenseref-scancode-snowplow-lula-1.0
    licenseref-scancode-snowplow-person-academic-1.0 licenseref-scancode-snprintf licenseref-scancode-socketxx-2003
    licenseref-scancode-softerra-ldap-browser-eula licenseref-scancode-softfloat licenseref-scancode-softfloat-2.0
    licenseref-scancode-softfloat-2c licenseref-scancode-softsurfer licenseref-scancode-solace-software-eula-2020
    licenseref-scancode-soml-1.0 licenseref-scancode-sonar-sal-1.0 licenseref-scancode-soundex
    licenseref-scancode-sourcegraph-enterprise-2018 licenseref-scancode-spark-jive licenseref-scancode-sparky
    licenseref-scancode-speechworks-1.1 licenseref-scancode-spell-checker-exception-lgpl-2.1-plus
    licenseref-scancode-spell-exception-lgpl-2.1-plus licenseref-scancode-splunk-3pp-eula
    licenseref-scancode-splunk-mint-tos-2018 licenseref-scancode-splunk-sla licenseref-scancode-square-cla
    licenseref-scancode-squeak licenseref-scancode-srgb licenseref-scancode-ssleay
    licenseref-scancode-ssleay-windows licenseref-scancode-st-bsd-restricted licenseref-scancode-st-mcd-2.0
    licenseref-scancode-stability-ai-community-2024 licenseref-scancode-stability-ai-nc-2023-12-06
    licenseref-scancode-stable-diffusion-2022-08-22 licenseref-scancode-stanford-mrouted
    licenseref-scancode-stanford-pvrg licenseref-scancode-statewizard licenseref-scancode-stax
    licenseref-scancode-stlport-2000 licenseref-scancode-stlport-4.5 licenseref-scancode-stmicro-linux-firmware
    licenseref-scancode-stmicroelectronics-centrallabs licenseref-scancode-stmicroelectronics-linux-firmware
    licenseref-scancode-stream-benchmark licenseref-scancode-strongswan-exception licenseref-scancode-stu-nicholls
    licenseref-scancode-subcommander-exception-2.0-plus licenseref-scancode-subcommander-exception-2.0plus
    licenseref-scancode-sudo licenseref-scancode-sun-bcl-11-06 licenseref-scancode-sun-bcl-11-07
    licenseref-scancode-sun-bcl-11-08 licenseref-scancode-sun-bcl-j2re-1.2.x licenseref-scancode-sun-bcl-j2re-1.4.2
    licenseref-scancode-sun-bcl-j2re-1.4.x licenseref-scancode-sun-bcl-j2re-5.0
    licenseref-scancode-sun-bcl-java-servlet-imp-2.1.1 licenseref-scancode-sun-bcl-javahelp
    licenseref-scancode-sun-bcl-jimi-sdk licenseref-scancode-sun-bcl-jre6 licenseref-scancode-sun-bcl-jsmq
    licenseref-scancode-sun-bcl-opendmk licenseref-scancode-sun-bcl-openjdk licenseref-scancode-sun-bcl-sdk-1.3
    licenseref-scancode-sun-bcl-sdk-1.4.2 licenseref-scancode-sun-bcl-sdk-5.0 licenseref-scancode-sun-bcl-sdk-6.0
    licenseref-scancode-sun-bcl-web-start licenseref-scancode-sun-bsd-extra licenseref-scancode-sun-cc-pp-1.0
    licenseref-scancode-sun-communications-api licenseref-scancode-sun-ejb-spec-2.1
    licenseref-scancode-sun-ejb-spec-3.0 licenseref-scancode-sun-entitlement-03-15
    licenseref-scancode-sun-entitlement-jaf licenseref-scancode-sun-glassfish licenseref-scancode-sun-iiop
    licenseref-scancode-sun-java-transaction-api licenseref-scancode-sun-java-web-services-dev-1.6
    licenseref-scancode-sun-java-web-services-dev-pack-1.6 licenseref-scancode-sun-javamail
    licenseref-scancode-sun-jdl-jai-1.1.x licenseref-scancode-sun-jsr-spec-04-2006
    licenseref-scancode-sun-jta-spec-1.0.1 licenseref-scancode-sun-jta-spec-1.0.1b
    licenseref-scancode-sun-no-high-risk-activities licenseref-scancode-sun-project-x
    licenseref-scancode-sun-prop-non-commercial licenseref-scancode-sun-rpc licenseref-scancode-sun-sdk-spec-1.1
    licenseref-scancode-sun-sissl-1.0 licenseref-scancode-sun-source licenseref-scancode-sun-ssscfr-1.1
    licenseref-scancode-sunpro licenseref-scancode-sunsoft licenseref-scancode-supervisor
    licenseref-scancode-sustainable-use-1.0 licenseref-scancode-svndiff licenseref-scancode-swig
    licenseref-scancode-symphonysoft licenseref-scancode-synopsys-attribution licenseref-scancode-synopsys-mit
    licenseref-scancode-syntext-serna-exception-1.0 licenseref-scancode-synthesis-toolkit
    licenseref-scancode-t-engine-public licenseref-scancode-t-license-1.0 licenseref-scancode-t-license-2.0
    licenseref-scancode-t-license-2.1 licenseref-scancode-t-license-2.2 licenseref-scancode-t-license-amp-t-kernel
    licenseref-scancode-t-license-amp-tkse licenseref-scancode-t-license-smp-t-kernel
    licenseref-scancode-t-license-smp-tkse licenseref-scancode-t-license-tkse licenseref-scancode-takao-abe
    licenseref-scancode-takuya-ooura licenseref-scancode-taligent-jdk licenseref-scancode-tanuki-community-sla-1.0
    licenseref-scancode-tanuki-community-sla-1.1 licenseref-scancode-tanuki-community-sla-1.2
    licenseref-scancode-tanuki-community-sla-1.3 licenseref-scancode-tanuki-development
    licenseref-scancode-tanuki-maintenance licenseref-scancode-tcg-spec-license-v1
    licenseref-scancode-tcg-spec-license-v2 licenseref-scancode-teamdev-services licenseref-scancode-tekhvc
    licenseref-scancode-teleport-ce-2024 licenseref-scancode-telerik-eula licenseref-scancode-tenable-nessus
    licenseref-scancode-tencent-hunyuan-3d-2.0-cla licenseref-scancode-term-readkey
    licenseref-scancode-tested-software licenseref-scancode-tex-exception licenseref-scancode-tex-live
    licenseref-scancode-tfl licenseref-scancode-tgppl-1.0 licenseref-scancode-the-stack-tos-2023-07
    licenseref-scancode-things-i-made-public-license licenseref-scancode-thomas-bandt licenseref-scancode-thor-pl
    licenseref-scancode-ti-broadband-apps licenseref-scancode-ti-linux-firmware licenseref-scancode-ti-restricted
    licenseref-scancode-tiger-crypto licenseref-scancode-tigra-calendar-3.2 licenseref-scancode-tigra-calendar-4.0
    licenseref-scancode-tim-janik-2003 licenseref-scancode-timestamp-picker licenseref-scancode-tizen-sdk
    licenseref-scancode-tongyi-qianwen-2023 licenseref-scancode-toppers-educational
    licenseref-scancode-toppers-license licenseref-scancode-tpl-1.0 licenseref-scancode-tpl-2.0
    licenseref-scancode-trademark-notice licenseref-scancode-trainy-1.0 licenseref-scancode-trca-odl-1.0
    licenseref-scancode-treeview-developer licenseref-scancode-treeview-distributor
    licenseref-scancode-treeware-option-1 licenseref-scancode-treeware-option-2
    licenseref-scancode-trendmicro-cl-1.0 licenseref-scancode-triptracker
    licenseref-scancode-trolltech-gpl-exception-1.0 licenseref-scancode-trolltech-gpl-exception-1.1
    licenseref-scancode-trolltech-gpl-exception-1.2 licenseref-scancode-truecrypt-3.1
    licenseref-scancode-trustonic-proprietary-2013 licenseref-scancode-tsl-2018 licenseref-scancode-tsl-2020
    licenseref-scancode-tso-license licenseref-scancode-ttcl licenseref-scancode-ttyp0 licenseref-scancode-tumbolia
    licenseref-scancode-twisted-snmp licenseref-scancode-txl-10.5 licenseref-scancode-ubc licenseref-scancode-ubdl
    licenseref-scancode-ubuntu-font-1.0 licenseref-scancode-ugui licenseref-scancode-un-cefact-2016
    licenseref-scancode-unicode licenseref-scancode-unicode-icu-58 licenseref-scancode-unicode-mappings
    licenseref-scancode-unicode-ucd licenseref-scancode-unicode-v3 licenseref-scancode-unknown
    licenseref-scancode-unknown-license-reference licenseref-scancode-unknown-spdx
    licenseref-scancode-unlimited-binary-linking licenseref-scancode-unlimited-binary-use-exception
    licenseref-scancode-unlimited-link-exception-gpl licenseref-scancode-unlimited-link-exception-lgpl
    licenseref-scancode-unlimited-linking-exception-gpl licenseref-scancode-unlimited-linking-exception-lgpl
    licenseref-scancode-unpbook licenseref-scancode-unpublished-source licenseref-scancode-unrar
    licenseref-scancode-unrar-v3 licenseref-scancode-unsplash licenseref-scancode-unstated
    licenseref-scancode-uofu-rfpl licenseref-scancode-upx-exception-2.0-plus
    licenseref-scancode-us-govt-geotranform licenseref-scancode-us-govt-public-domain
    licenseref-scancode-us-govt-unlimited-rights licenseref-scancode-usrobotics-permissive
    licenseref-scancode-utah-csl licenseref-scancode-utopia licenseref-scancode-vaadin-cvdl-4.0
    licenseref-scancode-vanderbilt-sla-1.0 licenseref-scancode-vbaccelerator licenseref-scancode-vcalendar
    licenseref-scancode-vcvrack-exception-to-gpl-3.0 licenseref-scancode-verbatim-manual
    licenseref-scancode-verisign licenseref-scancode-vhfpl-1.1 licenseref-scancode-vic-metcalfe-pd
    licenseref-scancode-vicomsoft-software licenseref-scancode-viewflow-agpl-3.0-exception
    licenseref-scancode-vince licenseref-scancode-visual-idiot licenseref-scancode-visual-numerics
    licenseref-scancode-vita-nuova-liberal licenseref-scancode-vitesse-prop licenseref-scancode-vixie-cron
    licenseref-scancode-vnc-viewer-ios licenseref-scancode-volatility-vsl-v1.0 licenseref-scancode-volla-1.0
    licenseref-scancode-vpl-1.1 licenseref-scancode-vpl-1.2 licenseref-scancode-vs10x-code-map
    licenseref-scancode-vuforia-2013-07-29 licenseref-scancode-vvvvvv-scl-1.0
    licenseref-scancode-w3c-03-bsd-license licenseref-scancode-w3c-community-cla
    licenseref-scancode-w3c-community-final-spec licenseref-scancode-w3c-docs-19990405
    licenseref-scancode-w3c-docs-20021231 licenseref-scancode-w3c-documentation
    licenseref-scancode-w3c-software-2023 licenseref-scancode-w3c-test-suite licenseref-scancode-wadalab
    licenseref-scancode-warranty-disclaimer licenseref-scancode-waterfall-feed-parser licenseref-scancode-westhawk
    licenseref-scancode-whistle licenseref-scancode-whitecat licenseref-scancode-whosonfirst-license
    licenseref-scancode-wide-license licenseref-scancode-wifi-alliance licenseref-scancode-william-alexander
    licenseref-scancode-wince-50-shared-source licenseref-scancode-windriver-commercial licenseref-scancode-wingo
    licenseref-scancode-winidea-sdk-2025 licenseref-scancode-wink licenseref-scancode-winzip-eula
    licenseref-scancode-winzip-self-extractor licenseref-scancode-wol licenseref-scancode-woodruff-2002
    licenseref-scancode-wordnet licenseref-scancode-wrox licenseref-scancode-wrox-download
    licenseref-scancode-ws-addressing-spec licenseref-scancode-ws-policy-specification
    licenseref-scancode-ws-trust-specification licenseref-scancode-wtfnmfpl-1.0 licenseref-scancode-wtfpl-1.0
    licenseref-scancode-wthpl-1.0 licenseref-scancode-wxwidgets licenseref-scancode-wxwindows-free-doc-3
    licenseref-scancode-wxwindows-r-3.0 licenseref-scancode-wxwindows-u-3.0 licenseref-scancode-x11-acer
    licenseref-scancode-x11-adobe licenseref-scancode-x11-adobe-dec licenseref-scancode-x11-bitstream
    licenseref-scancode-x11-dec1 licenseref-scancode-x11-dec2 licenseref-scancode-x11-doc
    licenseref-scancode-x11-dsc licenseref-scancode-x11-fsf licenseref-scancode-x11-hanson
    licenseref-scancode-x11-ibm licenseref-scancode-x11-lucent licenseref-scancode-x11-lucent-variant
    licenseref-scancode-x11-oar licenseref-scancode-x11-opengl licenseref-scancode-x11-opengroup
    licenseref-scancode-x11-quarterdeck licenseref-scancode-x11-realmode licenseref-scancode-x11-sg
    licenseref-scancode-x11-stanford licenseref-scancode-x11-tektronix licenseref-scancode-x11-x11r5
    licenseref-scancode-x11-xconsortium-veillard licenseref-scancode-x11-xconsortium_veillard
    licenseref-scancode-xceed-community-2021 licenseref-scancode-xenomai-gpl-exception
    licenseref-scancode-xfree86-1.0 licenseref-scancode-xilinx-2016 licenseref-scancode-xiph-patent
    licenseref-scancode-xming licenseref-scancode-xmldb-1.0 licenseref-scancode-xmos-commercial-2017
    licenseref-scancode-xmos-public-1 licenseref-scancode-xxd licenseref-scancode-yahoo-browserplus-eula
    licenseref-scancode-yahoo-messenger-eula licenseref-scancode-yale-cas licenseref-scancode-yensdesign
    licenseref-scancode-yolo-1.0 licenseref-scancode-yolo-2.0 licenseref-scancode-zapatec-calendar
    licenseref-scancode-zeebe-community-1.0 licenseref-scancode-zeebe-community-1.1
    licenseref-scancode-zendesk-appdev-api-2022 licenseref-scancode-zeromq-exception-lgpl-3.0
    licenseref-scancode-zeusbench licenseref-scancode-zhorn-stickies licenseref-scancode-zipeg
    licenseref-scancode-ziplist5-geocode-dup-addendum licenseref-scancode-ziplist5-geocode-duplication-addendum
    licenseref-scancode-ziplist5-geocode-end-user-enterprise
    licenseref-scancode-ziplist5-geocode-end-user-workstation licenseref-scancode-ziplist5-geocode-enterprise
    licenseref-scancode-ziplist5-geocode-workstation licenseref-scancode-zpl-1.0
    licenseref-scancode-zrythm-exception-agpl-3.0 licenseref-scancode-zsh
    licenseref-scancode-zugferd-datenformat-2.2.0 licenseref-scancode-zuora-software
    licenseref-scancode-zveno-research licenseref-ufl-1.0
    """.split()
)

# ``lower`` when the canonical id is ``lower`` in another case (written as the canonical id), else
# ``lower=Canonical``.
CANONICAL = {
    w.partition("=")[0].lower(): w.partition("=")[2] or w
    for w in """
    0BSD 3D-Slicer-1.0 AAL Abstyles AdaCore-doc Adobe-2006 Adobe-Display-PostScript Adobe-Glyph Adobe-Utopia ADSL
    AFL-1.1 AFL-1.2 AFL-2.0 AFL-2.1 AFL-3.0 Afmparse agpl-1.0=AGPL-1.0-only agpl-1.0+=AGPL-1.0-or-later
    AGPL-1.0-only AGPL-1.0-or-later agpl-3.0=AGPL-3.0-only agpl-3.0+=AGPL-3.0-or-later AGPL-3.0-only
    AGPL-3.0-or-later Aladdin AMD-newlib AMDPLPA AML AML-glslang AMPAS ANTLR-PD ANTLR-PD-fallback any-OSI
    any-OSI-perl-modules Apache-1.0 Apache-1.1 Apache-2.0 APAFML APL-1.0 App-s2p APSL-1.0 APSL-1.1 APSL-1.2
    APSL-2.0 Arphic-1999 Artistic-1.0 Artistic-1.0-cl8 Artistic-1.0-Perl Artistic-2.0 Artistic-dist Aspell-RU
    ASWF-Digital-Assets-1.0 ASWF-Digital-Assets-1.1 Baekmuk Bahyph Barr bcrypt-Solar-Designer Beerware
    Bitstream-Charter Bitstream-Vera BitTorrent-1.0 BitTorrent-1.1 blessing BlueOak-1.0.0 Boehm-GC
    Boehm-GC-without-fee Borceux Brian-Gladman-2-Clause Brian-Gladman-3-Clause BSD-1-Clause bsd-2=BSD-2-Clause
    BSD-2-Clause BSD-2-Clause-Darwin BSD-2-Clause-first-lines bsd-2-clause-freebsd=BSD-2-Clause-Views
    bsd-2-clause-netbsd=BSD-2-Clause BSD-2-Clause-Patent BSD-2-Clause-pkgconf-disclaimer BSD-2-Clause-Views
    BSD-3-Clause BSD-3-Clause-acpica BSD-3-Clause-Attribution BSD-3-Clause-Clear BSD-3-Clause-flex BSD-3-Clause-HP
    BSD-3-Clause-LBNL BSD-3-Clause-Modification BSD-3-Clause-No-Military-License BSD-3-Clause-No-Nuclear-License
    BSD-3-Clause-No-Nuclear-License-2014 BSD-3-Clause-No-Nuclear-Warranty BSD-3-Clause-Open-MPI BSD-3-Clause-Sun
    BSD-4-Clause BSD-4-Clause-Shortened BSD-4-Clause-UC BSD-4.3RENO BSD-4.3TAHOE BSD-Advertising-Acknowledgement
    BSD-Attribution-HPND-disclaimer BSD-Inferno-Nettverk BSD-Protection BSD-Source-beginning-file BSD-Source-Code
    BSD-Systemics BSD-Systemics-W3Works BSL-1.0 BUSL-1.1 bzip2-1.0.5=bzip2-1.0.6 bzip2-1.0.6 C-UDA-1.0 CAL-1.0
    CAL-1.0-Combined-Work-Exception Caldera Caldera-no-preamble Catharon CATOSL-1.1 CC-BY-1.0 CC-BY-2.0 CC-BY-2.5
    CC-BY-2.5-AU CC-BY-3.0 CC-BY-3.0-AT CC-BY-3.0-AU CC-BY-3.0-DE CC-BY-3.0-IGO CC-BY-3.0-NL CC-BY-3.0-US CC-BY-4.0
    CC-BY-NC-1.0 CC-BY-NC-2.0 CC-BY-NC-2.5 CC-BY-NC-3.0 CC-BY-NC-3.0-DE CC-BY-NC-4.0 CC-BY-NC-ND-1.0
    CC-BY-NC-ND-2.0 CC-BY-NC-ND-2.5 CC-BY-NC-ND-3.0 CC-BY-NC-ND-3.0-DE CC-BY-NC-ND-3.0-IGO CC-BY-NC-ND-4.0
    CC-BY-NC-SA-1.0 CC-BY-NC-SA-2.0 CC-BY-NC-SA-2.0-DE CC-BY-NC-SA-2.0-FR CC-BY-NC-SA-2.0-UK CC-BY-NC-SA-2.5
    CC-BY-NC-SA-3.0 CC-BY-NC-SA-3.0-DE CC-BY-NC-SA-3.0-IGO CC-BY-NC-SA-4.0 CC-BY-ND-1.0 CC-BY-ND-2.0 CC-BY-ND-2.5
    CC-BY-ND-3.0 CC-BY-ND-3.0-DE CC-BY-ND-4.0 CC-BY-SA-1.0 CC-BY-SA-2.0 CC-BY-SA-2.0-UK CC-BY-SA-2.1-JP
    CC-BY-SA-2.5 CC-BY-SA-3.0 CC-BY-SA-3.0-AT CC-BY-SA-3.0-DE CC-BY-SA-3.0-IGO CC-BY-SA-4.0 CC-PDDC CC-PDM-1.0
    CC-SA-1.0 CC0-1.0 CDDL-1.0 CDDL-1.1 CDL-1.0 CDLA-Permissive-1.0 CDLA-Permissive-2.0 CDLA-Sharing-1.0 CECILL-1.0
    CECILL-1.1 CECILL-2.0 CECILL-2.1 CECILL-B CECILL-C CERN-OHL-1.1 CERN-OHL-1.2 CERN-OHL-P-2.0 CERN-OHL-S-2.0
    CERN-OHL-W-2.0 CFITSIO check-cvs checkmk ClArtistic Clips CMU-Mach CMU-Mach-nodoc CNRI-Jython CNRI-Python
    CNRI-Python-GPL-Compatible COIL-1.0 Community-Spec-1.0 Condor-1.1 copyleft-next-0.3.0 copyleft-next-0.3.1
    Cornell-Lossless-JPEG CPAL-1.0 CPL-1.0 CPOL-1.02 Cronyx Crossword CryptoSwift CrystalStacker CUA-OPL-1.0 Cube
    curl cve-tou D-FSL-1.0 DEC-3-Clause diffmark DL-DE-BY-2.0 DL-DE-ZERO-2.0 DOC DocBook-DTD DocBook-Schema
    DocBook-Stylesheet DocBook-XML Dotseqn DRL-1.0 DRL-1.1 DSDP dtoa dvipdfm ECL-1.0 ECL-2.0 EFL-1.0 EFL-2.0 eGenix
    Elastic-2.0 Entessa EPICS EPL-1.0 EPL-2.0 ErlPL-1.1 etalab-2.0 EUDatagrid EUPL-1.0 EUPL-1.1 EUPL-1.2 Eurosym
    Fair FBM FDK-AAC Ferguson-Twofish Frameworx-1.0 FreeBSD-DOC FreeImage FSFAP FSFAP-no-warranty-disclaimer FSFUL
    FSFULLR FSFULLRSD FSFULLRWD FSL-1.1-ALv2 FSL-1.1-MIT FTL Furuseth fwlw Game-Programming-Gems GCR-docs GD
    generic-xts gfdl-1.1=GFDL-1.1-only gfdl-1.1+=GFDL-1.1-or-later GFDL-1.1-invariants-only
    GFDL-1.1-invariants-or-later GFDL-1.1-no-invariants-only GFDL-1.1-no-invariants-or-later GFDL-1.1-only
    GFDL-1.1-or-later gfdl-1.2=GFDL-1.2-only gfdl-1.2+=GFDL-1.2-or-later GFDL-1.2-invariants-only
    GFDL-1.2-invariants-or-later GFDL-1.2-no-invariants-only GFDL-1.2-no-invariants-or-later GFDL-1.2-only
    GFDL-1.2-or-later gfdl-1.3=GFDL-1.3-only gfdl-1.3+=GFDL-1.3-or-later GFDL-1.3-invariants-only
    GFDL-1.3-invariants-or-later GFDL-1.3-no-invariants-only GFDL-1.3-no-invariants-or-later GFDL-1.3-only
    GFDL-1.3-or-later Giftware GL2PS Glide Glulxe GLWTPL gnuplot gpl=GPL-1.0-or-later gpl-1.0=GPL-1.0-only
    gpl-1.0+=GPL-1.0-or-later GPL-1.0-only GPL-1.0-or-later gpl-2.0=GPL-2.0-only gpl-2.0+=GPL-2.0-or-later
    GPL-2.0-only GPL-2.0-or-later gpl-3.0=GPL-3.0-only gpl-3.0+=GPL-3.0-or-later GPL-3.0-only GPL-3.0-or-later
    Graphics-Gems gSOAP-1.3b gtkbook Gutmann HaskellReport HDF5 hdparm HIDAPI Hippocratic-2.1 HP-1986 HP-1989 HPND
    HPND-DEC HPND-doc HPND-doc-sell HPND-export-US HPND-export-US-acknowledgement HPND-export-US-modify
    HPND-export2-US HPND-Fenneberg-Livingston HPND-INRIA-IMAG HPND-Intel HPND-Kevlin-Henney HPND-Markus-Kuhn
    HPND-merchantability-variant HPND-MIT-disclaimer HPND-Netrek HPND-Pbmplus HPND-sell-MIT-disclaimer-xserver
    HPND-sell-regexpr HPND-sell-variant HPND-sell-variant-MIT-disclaimer HPND-sell-variant-MIT-disclaimer-rev
    HPND-UC HPND-UC-export-US HTMLTIDY IBM-pibs ICU IEC-Code-Components-EULA IJG IJG-short ImageMagick iMatix
    Imlib2 Info-ZIP Inner-Net-2.0 InnoSetup Intel Intel-ACPI Interbase-1.0 IPA IPL-1.0 ISC ISC-Veillard Jam
    JasPer-2.0 jove JPL-image JPNIC JSON Kastrup Kazlib Knuth-CTAN LAL-1.2 LAL-1.3 Latex2e
    Latex2e-translated-notice Leptonica lgpl-2.0=LGPL-2.0-only lgpl-2.0+=LGPL-2.0-or-later LGPL-2.0-only
    LGPL-2.0-or-later lgpl-2.1=LGPL-2.1-only lgpl-2.1+=LGPL-2.1-or-later LGPL-2.1-only LGPL-2.1-or-later
    lgpl-3.0=LGPL-3.0-only lgpl-3.0+=LGPL-3.0-or-later LGPL-3.0-only LGPL-3.0-or-later LGPLLR Libpng libpng-1.6.35
    libpng-2.0 libselinux-1.0 libtiff libutil-David-Nugent LiLiQ-P-1.1 LiLiQ-R-1.1 LiLiQ-Rplus-1.1
    Linux-man-pages-1-para Linux-man-pages-copyleft Linux-man-pages-copyleft-2-para Linux-man-pages-copyleft-var
    Linux-OpenIB LOOP LPD-document LPL-1.0 LPL-1.02 LPPL-1.0 LPPL-1.1 LPPL-1.2 LPPL-1.3a LPPL-1.3c lsof
    Lucida-Bitmap-Fonts LZMA-SDK-9.11-to-9.20 LZMA-SDK-9.22 Mackerras-3-Clause Mackerras-3-Clause-acknowledgment
    magaz mailprio MakeIndex man2html Martin-Birgmeier McPhee-slideshow metamail Minpack MIPS MirOS MIT MIT-0
    MIT-advertising MIT-Click MIT-CMU MIT-enna MIT-feh MIT-Festival MIT-Khronos-old MIT-Modern-Variant
    MIT-open-group MIT-testregex MIT-Wu MITNFA MMIXware Motosoto MPEG-SSG mpi-permissive mpich2 MPL-1.0 MPL-1.1
    MPL-2.0 mplus MS-LPL MS-PL MS-RL MTLL MulanPSL-1.0 MulanPSL-2.0 Multics Mup NAIST-2003 NASA-1.3 Naumen NBPL-1.0
    NCBI-PD NCGL-UK-2.0 NCL NCSA net-snmp=LicenseRef-scancode-net-snmp NetCDF Newsletr NGPL ngrep NICTA-1.0 NIST-PD
    NIST-PD-fallback NIST-Software NLOD-1.0 NLOD-2.0 NLPL Nokia NOSL Noweb NPL-1.0 NPL-1.1 NPOSL-3.0 NRL NTIA-PD
    NTP NTP-0 nunit=zlib-acknowledgement O-UDA-1.0 OAR OCCT-PL OCLC-2.0 ODbL-1.0 ODC-By-1.0 OFFIS OFL-1.0
    OFL-1.0-no-RFN OFL-1.0-RFN OFL-1.1 OFL-1.1-no-RFN OFL-1.1-RFN OGC-1.0 OGDL-Taiwan-1.0 OGL-Canada-2.0 OGL-UK-1.0
    OGL-UK-2.0 OGL-UK-3.0 OGTSL OLDAP-1.1 OLDAP-1.2 OLDAP-1.3 OLDAP-1.4 OLDAP-2.0 OLDAP-2.0.1 OLDAP-2.1 OLDAP-2.2
    OLDAP-2.2.1 OLDAP-2.2.2 OLDAP-2.3 OLDAP-2.4 OLDAP-2.5 OLDAP-2.6 OLDAP-2.7 OLDAP-2.8 OLFL-1.3 OML OpenPBS-2.3
    OpenSSL OpenSSL-standalone OpenVision OPL-1.0 OPL-UK-3.0 OPUBL-1.0 OSET-PL-2.1 OSL-1.0 OSL-1.1 OSL-2.0 OSL-2.1
    OSL-3.0 PADL Parity-6.0.0 Parity-7.0.0 PDDL-1.0 PHP-3.0 PHP-3.01 Pixar pkgconf Plexus pnmstitch
    PolyForm-Noncommercial-1.0.0 PolyForm-Small-Business-1.0.0 PostgreSQL PPL PSF-2.0 psfrag psutils Python-2.0
    Python-2.0.1 python-ldap Qhull QPL-1.0 QPL-1.0-INRIA-2004 radvd Rdisc RHeCos-1.1 RPL-1.1 RPL-1.5 RPSL-1.0
    RSA-MD RSCPL Ruby Ruby-pty SAX-PD SAX-PD-2.0 Saxpath SCEA SchemeReport Sendmail Sendmail-8.23
    Sendmail-Open-Source-1.1 SGI-B-1.0 SGI-B-1.1 SGI-B-2.0 SGI-OpenGL SGP4 SHL-0.5 SHL-0.51 SimPL-2.0 SISSL
    SISSL-1.2 SL Sleepycat SMAIL-GPL SMLNJ SMPPL SNIA snprintf SOFA softSurfer Soundex Spencer-86 Spencer-94
    Spencer-99 SPL-1.0 ssh-keyscan SSH-OpenSSH SSH-short SSLeay-standalone SSPL-1.0 standardml-nj=SMLNJ
    SugarCRM-1.1.3 SUL-1.0 Sun-PPP Sun-PPP-2000 SunPro SWL swrule Symlinks TAPR-OHL-1.0 TCL TCP-wrappers
    TermReadKey TGPPL-1.0 ThirdEye threeparttable TMate TORQUE-1.1 TOSL TPDL TPL-1.0 TrustedQSL TTWL TTYP0
    TU-Berlin-1.0 TU-Berlin-2.0 Ubuntu-font-1.0 UCAR UCL-1.0 ulem UMich-Merit Unicode-3.0 Unicode-DFS-2015
    Unicode-DFS-2016 Unicode-TOU UnixCrypt Unlicense Unlicense-libtelnet Unlicense-libwhirlpool UPL-1.0 URT-RLE
    verbatim-man-pages=Linux-man-pages-copyleft Vim VOSTROM VSL-1.0 W3C W3C-19980720 W3C-20150513 w3m Watcom-1.0
    Widget-Workshop Wsuipa WTFPL wwl wxWindows X11 X11-distribute-modifications-variant X11-swapped Xdebug-1.03
    Xerox Xfig XFree86-1.1 xinetd xkeyboard-config-Zinoviev xlock Xnet xpp XSkat xzoom YPL-1.0 YPL-1.1 Zed Zeeff
    Zend-2.0 Zimbra-1.3 Zimbra-1.4 Zlib zlib-acknowledgement ZPL-1.1 ZPL-2.0 ZPL-2.1
    """.split()
}


def index_file() -> str:
    """Where the installed ``license-expression`` keeps its index (found without importing it)."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("license_expression")
    if spec is None or not spec.submodule_search_locations:
        return ""
    return os.path.join(next(iter(spec.submodule_search_locations)), "data", "scancode-licensedb-index.json")


LONE_ID = r"[A-Za-z0-9.+\-]+"  # one word of an SPDX expression (no operator, space or parenthesis)
