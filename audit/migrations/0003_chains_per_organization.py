"""One chain per organization: events name their organization and a registered event type."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('audit', '0002_append_only_triggers'),
        ('participants', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='auditevent',
            options={'get_latest_by': 'id', 'ordering': ['-id']},
        ),
        migrations.RemoveIndex(
            model_name='auditevent',
            name='audit_audit_partici_2c7e62_idx',
        ),
        migrations.RemoveIndex(
            model_name='auditevent',
            name='audit_audit_actor_i_4ccb81_idx',
        ),
        migrations.RemoveIndex(
            model_name='auditevent',
            name='audit_audit_action_7d5c0f_idx',
        ),
        migrations.AddField(
            model_name='auditevent',
            name='event_type',
            field=models.CharField(default='', max_length=60),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditevent',
            name='organization',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organization'),
        ),
        migrations.AddField(
            model_name='chainhead',
            name='organization',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organization'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['participant', '-id'], name='audit_audit_partici_cc887a_idx'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['actor', '-id'], name='audit_audit_actor_i_9fd1a4_idx'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['action', '-id'], name='audit_audit_action_848c20_idx'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['organization', '-id'], name='audit_audit_organiz_a4d01d_idx'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['event_type', '-id'], name='audit_audit_event_t_0cf89f_idx'),
        ),
    ]
