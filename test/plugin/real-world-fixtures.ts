/**
 * Bundles in the forms real district and vendor plugins take (written for these tests, not
 * copied): a data-export plugin with reverse-domain query names and no ORDER BY, publisher
 * first; permission mappings; a database extension; macOS archive litter.
 */
import { rawZip, type RawEntry } from './zip-fixtures.ts';

const NS = 'http://plugin.powerschool.pearson.com';

/** A district data-export plugin: publisher first, access_request, no oauth (Data Export Manager only). */
export const EXPORT_PLUGIN_XML = `<?xml version="1.0" encoding="UTF-8"?>
<plugin xmlns="${NS}" name="District Homeroom Export" version="3.2" description="Homerooms for the district's data warehouse">
  <publisher name="District IT"><contact email="it@district.example"/></publisher>
  <access_request>
    <field table="STUDENTS" field="STUDENT_NUMBER" access="ViewOnly"/>
    <field table="Students" field="Home_Room" access="ViewOnly"/>
  </access_request>
</plugin>
`;

/** Six- and seven-part reverse-domain names, a two-part name, and a query without ORDER BY. */
export const EXPORT_QUERIES_XML = `<queries>
  <query name="us.ct.k12.district.students.get_home_room" coreTable="students" flattened="true">
    <args><arg name="grade" column="STUDENTS.GRADE_LEVEL" type="primitive"/></args>
    <columns>
      <column column="STUDENTS.STUDENT_NUMBER">student_number</column>
      <column column="STUDENTS.HOME_ROOM">home_room</column>
    </columns>
    <sql><![CDATA[select s.student_number, s.home_room from students s where s.grade_level = :grade]]></sql>
  </query>
  <query name="us.ct.k12.district.export.students.home_rooms" coreTable="students" flattened="true">
    <columns><column column="STUDENTS.HOME_ROOM">home_room</column></columns>
    <sql><![CDATA[select distinct s.home_room from students s order by s.home_room]]></sql>
  </query>
  <query name="district.homerooms" coreTable="students" flattened="true">
    <columns><column column="STUDENTS.HOME_ROOM">home_room</column></columns>
    <sql><![CDATA[select s.home_room from students s order by s.home_room]]></sql>
  </query>
</queries>
`;

/** A permission mapping file: `target` is what the page implies. */
export function permissionMappings(target: string, allow = 'post'): string {
  return `<permission_mappings>
  <permission name="/admin/home.html">
    <implies allow="${allow}">${target}</implies>
  </permission>
</permission_mappings>
`;
}

/** A one-to-one database extension of STUDENTS in the <psExtension> form. */
export const USER_SCHEMA_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<psExtension xmlns="http://www.powerschool.com">
  <extensionname>U_LAPTOP</extensionname>
  <extendedTable dbTableName="U_LAPTOP" coreTable="STUDENTS" comment="Loaned laptops">
    <field name="MODEL_NUMBER" type="String" length="40"/>
    <field name="BARCODE" type="String" length="20"/>
  </extendedTable>
</psExtension>
`;

/** The export plugin's zip, with extra entries, and extra plugin.xml children at its end. */
export function exportBundle(extra: RawEntry[] = [], children = ''): Buffer {
  return rawZip([
    { name: 'plugin.xml', data: EXPORT_PLUGIN_XML.replace('</plugin>', `${children}</plugin>`) },
    { name: 'queries_root/us.ct.k12.district.named_queries.xml', data: EXPORT_QUERIES_XML },
    ...extra,
  ]);
}
